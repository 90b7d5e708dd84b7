import FshRuntime

/// UUID checks matching the API's schema (version 4 only).
package enum UUIDs {
  package static func isV4(_ s: String) -> Bool {
    let c = Array(s.lowercased())
    guard c.count == 36 else { return false }
    for (i, ch) in c.enumerated() {
      switch i {
      case 8, 13, 18, 23: if ch != "-" { return false }
      case 14: if ch != "4" { return false }
      case 19: if !"89ab".contains(ch) { return false }
      default: if !ch.isHexDigit { return false }
      }
    }
    return true
  }

  /// A new random (version 4) UUID, lowercase as the API writes them.
  package static func newV4() -> String {
    var bytes = (0..<16).map { _ in UInt8.random(in: 0...255) }
    bytes[6] = (bytes[6] & 0x0f) | 0x40
    bytes[8] = (bytes[8] & 0x3f) | 0x80
    let hex = bytes.map {
      String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16)
    }.joined()
    let c = Array(hex)
    return String(c[0..<8]) + "-" + String(c[8..<12]) + "-" + String(c[12..<16]) + "-"
      + String(c[16..<20]) + "-" + String(c[20..<32])
  }
}

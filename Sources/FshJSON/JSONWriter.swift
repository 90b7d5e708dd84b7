/// JSON text written without Foundation: the client's request bodies. Keys are written in the
/// order given; strings escape what RFC 8259 requires (the quote, the backslash and the
/// control characters), nothing else, as Foundation's encoder did.
package indirect enum JSONText: Sendable {
  case string(String)
  case int(Int)
  /// Whole values up to 2^53 are written as integers (`600`, not `600.0`).
  case double(Double)
  case bool(Bool)
  case null
  case object([(String, JSONText)])
  case array([JSONText])

  /// The compact text.
  package var bytes: [UInt8] {
    var out: [UInt8] = []
    write(to: &out)
    return out
  }

  func write(to out: inout [UInt8]) {
    switch self {
    case .string(let s): Self.writeString(s, to: &out)
    case .int(let n): out += Array(String(n).utf8)
    case .double(let d):
      if d.isFinite, d == d.rounded(), abs(d) < 9_007_199_254_740_992 {
        out += Array(String(Int(d)).utf8)
      } else if d.isFinite {
        out += Array(String(d).utf8)
      } else {
        out += Array("null".utf8)
      }
    case .bool(let b): out += Array((b ? "true" : "false").utf8)
    case .null: out += Array("null".utf8)
    case .object(let fields):
      out.append(UInt8(ascii: "{"))
      for (n, (key, value)) in fields.enumerated() {
        if n > 0 { out.append(UInt8(ascii: ",")) }
        Self.writeString(key, to: &out)
        out.append(UInt8(ascii: ":"))
        value.write(to: &out)
      }
      out.append(UInt8(ascii: "}"))
    case .array(let items):
      out.append(UInt8(ascii: "["))
      for (n, item) in items.enumerated() {
        if n > 0 { out.append(UInt8(ascii: ",")) }
        item.write(to: &out)
      }
      out.append(UInt8(ascii: "]"))
    }
  }

  static func writeString(_ s: String, to out: inout [UInt8]) {
    let hex = Array("0123456789abcdef".utf8)
    out.append(UInt8(ascii: "\""))
    for b in s.utf8 {
      switch b {
      case UInt8(ascii: "\""): out += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
      case UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
      case 0x0A: out += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
      case 0x0D: out += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
      case 0x09: out += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
      case 0x08: out += [UInt8(ascii: "\\"), UInt8(ascii: "b")]
      case 0x0C: out += [UInt8(ascii: "\\"), UInt8(ascii: "f")]
      case 0..<0x20:
        out += Array("\\u00".utf8) + [hex[Int(b >> 4)], hex[Int(b & 0xF)]]
      default: out.append(b)
      }
    }
    out.append(UInt8(ascii: "\""))
  }
}

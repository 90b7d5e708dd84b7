/// UUID checks matching the API's schema (version 4 only).
public enum UUIDs {
  public static func isV4(_ s: String) -> Bool {
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
}

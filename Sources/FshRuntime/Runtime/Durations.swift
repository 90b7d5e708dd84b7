import Foundation

/// Durations: `500ms`, `10s`, `2m`, `1h`, `1m30s`, or a plain number of seconds.
package enum Durations {
  /// Parses a duration into seconds; nil when it is not one.
  package static func parse(_ text: String) -> Double? {
    let s = text.lowercased()
    if let d = Double(s), d.isFinite, d >= 0 { return d }
    var total = 0.0
    var number = ""
    var i = s.startIndex
    var sawUnit = false
    while i < s.endIndex {
      let c = s[i]
      if c.isNumber || c == "." {
        number.append(c)
        i = s.index(after: i)
        continue
      }
      var unit = ""
      while i < s.endIndex, s[i].isLetter {
        unit.append(s[i])
        i = s.index(after: i)
      }
      guard let n = Double(number), n.isFinite else { return nil }
      let factor: Double
      switch unit {
      case "ms": factor = 0.001
      case "s", "sec": factor = 1
      case "m", "min": factor = 60
      case "h": factor = 3600
      default: return nil
      }
      total += n * factor
      number = ""
      sawUnit = true
    }
    // Each part is finite, but their sum can overflow to infinity ("1e308h").
    guard number.isEmpty, sawUnit, total.isFinite else { return nil }
    return total
  }

  /// Formats seconds for people: `90` → `1m30s`.
  package static func format(_ seconds: Double) -> String {
    guard seconds.isFinite else { return seconds.isNaN ? "?" : "forever" }
    if seconds < 1 { return "\(Int((max(0, seconds) * 1000).rounded()))ms" }
    if seconds < 60 { return Value.format((seconds * 10).rounded() / 10) + "s" }
    // Beyond a million hours, Int(seconds) could trap; nobody waits that long anyway.
    if seconds >= 3.6e9 { return Value.format((seconds / 3600).rounded()) + "h" }
    let whole = Int(seconds.rounded())
    let (h, m, s) = (whole / 3600, whole % 3600 / 60, whole % 60)
    var out = ""
    if h > 0 { out += "\(h)h" }
    if m > 0 { out += "\(m)m" }
    if s > 0 { out += "\(s)s" }
    return out
  }
}

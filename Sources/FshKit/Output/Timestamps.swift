import Foundation

/// Times as fsh writes them: UTC to the second in RFC 3339 (`2026-12-07T14:03:12Z`: events,
/// certificate dates, the node registry) and the local clock (`14:03:12`) for a person.
enum Timestamps {
  /// `2026-12-07T14:03:12Z`.
  static func iso(_ time: Double) -> String {
    var t = time_t(time)
    var parts = tm()
    gmtime_r(&t, &parts)
    return String(
      format: "%04d-%02d-%02dT%02d:%02d:%02dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
      Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec))
  }

  static func iso(_ date: Date) -> String { iso(date.timeIntervalSince1970) }

  /// The seconds of an `iso` text; nil for anything else.
  static func seconds(iso text: String) -> Double? {
    let b = Array(text.utf8)
    guard b.count == 20, b[4] == 0x2D, b[7] == 0x2D, b[10] == 0x54, b[13] == 0x3A,
      b[16] == 0x3A, b[19] == 0x5A
    else { return nil }
    func number(_ from: Int, _ count: Int) -> Int32? {
      var n: Int32 = 0
      for c in b[from..<(from + count)] {
        guard (0x30...0x39).contains(c) else { return nil }
        n = n * 10 + Int32(c - 0x30)
      }
      return n
    }
    guard let y = number(0, 4), let mo = number(5, 2), let d = number(8, 2),
      let h = number(11, 2), let mi = number(14, 2), let sec = number(17, 2)
    else { return nil }
    var parts = tm()
    (parts.tm_year, parts.tm_mon, parts.tm_mday) = (y - 1900, mo - 1, d)
    (parts.tm_hour, parts.tm_min, parts.tm_sec) = (h, mi, sec)
    return Double(timegm(&parts))
  }

  /// `14:03:12` in local time.
  static func clock(_ time: Double) -> String {
    var t = time_t(time)
    var parts = tm()
    localtime_r(&t, &parts)
    func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
    return "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))"
  }
}

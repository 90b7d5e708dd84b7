// Seconds as libcurl takes them (milliseconds in a C long) and as messages show them.
import Foundation
import FshModel

extension CurlTransport {
  /// Seconds as curl's milliseconds: at least 1, and at most 2^31-1 (about 24 days; curl's
  /// `long` on every platform) so that a huge `set timeout` cannot trap in `Int(_:)`.
  static func milliseconds(_ seconds: Double) -> Int {
    guard seconds.isFinite else { return seconds.isNaN ? 1 : Int(Int32.max) }
    return Int(min(Double(Int32.max), max(1, (seconds * 1000).rounded())))
  }

  static func format(_ seconds: Double) -> String {
    guard seconds.isFinite, abs(seconds) < 1e15 else { return String(seconds) }
    return seconds == seconds.rounded()
      ? String(Int(seconds)) : String(format: "%.1f", seconds)
  }
}

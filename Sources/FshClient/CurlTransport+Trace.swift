// `--verbose`: libcurl's informational lines and headers, passed to `trace`; bodies and TLS
// records never.
import CCurl
import Foundation
import FshModel

extension CurlTransport {
  /// Applies `trace` to the handle; called before each request so it can be switched at any time.
  func updateTracing() {
    let h = easy
    if trace == nil {
      ccurl_setopt_long(h, CURLOPT_VERBOSE, 0)
      return
    }
    ccurl_setopt_long(h, CURLOPT_VERBOSE, 1)
    ccurl_setopt_ptr(h, CURLOPT_DEBUGDATA, Unmanaged.passUnretained(self).toOpaque())
    ccurl_setopt_debugfn(h) { _, type, data, size, context in
      let t = Unmanaged<CurlTransport>.fromOpaque(context!).takeUnretainedValue()
      let prefix: String
      switch type {
      case CURLINFO_TEXT: prefix = "* "
      case CURLINFO_HEADER_OUT: prefix = "> "
      case CURLINFO_HEADER_IN: prefix = "< "
      default: return 0  // bodies and raw TLS records are never traced
      }
      guard let data, size > 0 else { return 0 }
      let text = data.withMemoryRebound(to: UInt8.self, capacity: size) {
        String(decoding: UnsafeBufferPointer(start: $0, count: size), as: UTF8.self)
      }
      for line in text.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }) {
        var s = line.trimmingCharacters(in: .whitespaces)
        // curl 7.88 names a connection made through CURLOPT_CONNECT_TO "(nil) (ADDRESS)" and
        // "host (nil)": say the address, or what the host is.
        if let nil_ = s.range(of: "(nil) ("), let close = s[nil_.upperBound...].firstIndex(of: ")")
        {
          s = String(
            s[..<nil_.lowerBound] + s[nil_.upperBound..<close] + s[s.index(after: close)...])
        }
        s = s.replacingOccurrences(of: "to host (nil)", with: "to the control service")
        if !s.isEmpty { t.trace?(prefix + s) }
      }
      return 0
    }
  }
}

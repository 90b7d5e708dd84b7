import FshRuntime

/// `HOST:PORT`, as `--host`, `set host` and `cluster add --host` accept a host: the one parser
/// of that shape. One colon only (an IPv6 address has several and takes its port from `--port`),
/// something before it, digits after it.
struct HostAndPort: Equatable {
  var host: String
  /// As written: may be out of 1...65535, which the caller reports in its own words.
  var port: Int

  static let validPorts = 1...65535

  init?(_ text: String) {
    guard text.filter({ $0 == ":" }).count == 1, let colon = text.lastIndex(of: ":") else {
      return nil
    }
    let digits = text[text.index(after: colon)...]
    guard !text[..<colon].isEmpty, !digits.isEmpty, digits.allSatisfy(\.isASCIIDigit),
      let port = Int(digits)
    else { return nil }
    host = String(text[..<colon])
    self.port = port
  }
}

extension Character {
  fileprivate var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}

// Subject alternative names as host verification reads them, from a parsed certificate or from
// the text OpenSSL prints for them (what libcurl's certificate info hands over after a
// handshake, so the dialled host is checked without parsing the certificate again).

/// One subject alternative name, reduced to what matching a host name needs.
public enum HostName: Equatable, Sendable {
  /// A DNS name, possibly a `*.` wildcard.
  case dns(String)
  /// An IP address: 4 or 16 bytes.
  case ip([UInt8])
  /// Any other kind (email, URI, directory name…), kept as it is shown; it never matches a host.
  case other(String)

  /// The name as `certs show` and the notes write it: `DNS:control-service`, `IP:10.0.0.5`.
  public var shown: String {
    switch self {
    case .dns(let name): return "DNS:\(name)"
    case .ip(let bytes): return "IP:\(CertificateInfo.formatIP(bytes))"
    case .other(let text): return text
    }
  }

  /// Whether `host` matches one of `names` the way Go's `VerifyHostname` does: SAN only (no
  /// commonName fallback), DNS names case-insensitively with a leading `*.` wildcard for one
  /// label, IP addresses compared as addresses (brackets around an IPv6 host are dropped).
  public static func matches(_ names: [HostName], host: String) -> Bool {
    let bare = Substring(host).trimming { $0 == "[" || $0 == "]" }
    if let address = FlockerCA.ipAddressBytes(String(bare)) {
      return names.contains { $0 == .ip(address) }
    }
    let wanted = String(Substring(bare.lowercased()).trimming { $0 == "." })
    return names.contains {
      guard case .dns(let dns) = $0 else { return false }
      let pattern = dns.lowercased()
      if pattern == wanted { return true }
      if pattern.hasPrefix("*."), let dot = wanted.firstIndex(of: ".") {
        return wanted[dot...] == pattern.dropFirst()
      }
      return false
    }
  }

  /// Reads the subject alternative names as OpenSSL prints them (`X509V3_EXT_print`, and so
  /// libcurl's `CURLINFO_CERTINFO`): `DNS:control-service, IP Address:10.0.0.5`. IPv6 addresses
  /// come as eight full groups (`IP Address:0:0:0:0:0:0:0:1`); names of other kinds are kept as
  /// `.other` with their printed text.
  public static func parsePrinted(_ text: String) -> [HostName] {
    // Stdlib splitting and trimming: Foundation's cost more here than the rest of the check
    // (this runs on every one-shot command's first connection).
    var names: [HostName] = []
    for piece in text.utf8.split(separator: UInt8(ascii: ",")) {
      let item = Substring(piece).trimming { $0 == " " }
      if item.isEmpty { continue }
      if item.hasPrefix("DNS:") {
        names.append(.dns(String(item.dropFirst(4))))
      } else if item.hasPrefix("IP Address:"),
        let bytes = FlockerCA.ipAddressBytes(String(item.dropFirst("IP Address:".count)))
      {
        names.append(.ip(bytes))
      } else {
        names.append(.other(String(item)))
      }
    }
    return names
  }
}

extension Substring {
  /// Without the leading and trailing characters `drop` picks (stdlib only: Foundation's
  /// `trimmingCharacters(in:)` costs more than the whole host check).
  fileprivate func trimming(_ drop: (Character) -> Bool) -> Substring {
    var out = self
    while let c = out.first, drop(c) { out = out.dropFirst() }
    while let c = out.last, drop(c) { out = out.dropLast() }
    return out
  }
}

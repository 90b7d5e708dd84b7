// How to reach and authenticate to one control service.
import Foundation

public struct TLSSettings: Sendable, Equatable {
  /// The host or IP that is dialled. The server certificate is verified as `control-service`
  /// regardless (what Flocker's own clients do).
  public var host: String
  public var port: Int
  /// cluster.crt: the only trust anchor.
  public var caFile: String
  /// The client certificate (CN `user-…`) and its key, PEM files.
  public var certFile: String
  public var keyFile: String
  /// Seconds to establish TCP + TLS.
  public var connectTimeout: Double
  /// Seconds for a whole request, connect included.
  public var requestTimeout: Double
  /// How many times a GET is retried after a connection failure (refused, unreachable, dropped
  /// before any response). Mutations are never retried.
  public var retries: Int
  /// First retry delay in seconds; doubles on each further retry.
  public var retryBackoff: Double

  /// The name every flocker-ca control certificate carries and that is verified.
  public static let serviceName = "control-service"

  public init(
    host: String, port: Int = 4523, caFile: String, certFile: String, keyFile: String,
    connectTimeout: Double = 5, requestTimeout: Double = 30, retries: Int = 2,
    retryBackoff: Double = 0.2
  ) {
    self.host = host
    self.port = port
    self.caFile = caFile
    self.certFile = certFile
    self.keyFile = keyFile
    self.connectTimeout = connectTimeout
    self.requestTimeout = requestTimeout
    self.retries = retries
    self.retryBackoff = retryBackoff
  }

  /// "H:P", with brackets around an IPv6 literal.
  public var hostPort: String { "\(Self.bracketed(host)):\(port)" }

  /// `https://control-service:P/v1/...`
  public func url(for path: String) -> String {
    "https://\(Self.serviceName):\(port)\(path)"
  }

  /// The `CURLOPT_CONNECT_TO` / `curl --connect-to` entry mapping the service name to the host.
  public var connectTo: String { "\(Self.serviceName):\(port):\(Self.bracketed(host)):\(port)" }

  static func bracketed(_ host: String) -> String {
    host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
  }
}

/// The few facts about a local PEM certificate the client needs to explain a rejection. A tiny DER
/// reader: FshKit's client does not link an X.509 library (the `certs` commands do the full checks).
public struct PEMCertificateSummary: Sendable, Equatable {
  public var subjectCommonName: String?
  public var issuerCommonName: String?

  /// Reads the first certificate of a PEM file; nil when the file is unreadable or not a certificate.
  public init?(file: String) {
    guard let data = FileManager.default.contents(atPath: file) else { return nil }
    self.init(pem: String(decoding: data, as: UTF8.self))
  }

  public init?(pem: String) {
    let begin = "-----BEGIN CERTIFICATE-----"
    let end = "-----END CERTIFICATE-----"
    guard let b = pem.range(of: begin),
      let e = pem.range(of: end, range: b.upperBound..<pem.endIndex),
      let der = Data(
        base64Encoded: String(pem[b.upperBound..<e.lowerBound]), options: .ignoreUnknownCharacters)
    else { return nil }
    let bytes = [UInt8](der)
    // Certificate ::= SEQUENCE { tbsCertificate SEQUENCE { [0] version?, serial, sigAlg, issuer,
    // validity, subject, ... }, ... }
    guard let cert = DERReader.element(bytes, at: 0), cert.tag == 0x30,
      let tbs = DERReader.element(bytes, at: cert.contentStart), tbs.tag == 0x30
    else { return nil }
    var fields: [DERReader.Element] = []
    var i = tbs.contentStart
    while i < tbs.end, fields.count < 6, let el = DERReader.element(bytes, at: i) {
      fields.append(el)
      i = el.end
    }
    if fields.first?.tag == 0xA0 { fields.removeFirst() }
    guard fields.count >= 5 else { return nil }
    issuerCommonName = DERReader.commonName(bytes, name: fields[2])
    subjectCommonName = DERReader.commonName(bytes, name: fields[4])
  }
}

enum DERReader {
  struct Element {
    var tag: UInt8
    var contentStart: Int
    var end: Int
  }

  static func element(_ b: [UInt8], at i: Int) -> Element? {
    guard i + 1 < b.count else { return nil }
    let tag = b[i]
    var len = Int(b[i + 1])
    var start = i + 2
    if len & 0x80 != 0 {
      let n = len & 0x7F
      guard n > 0, n <= 4, start + n <= b.count else { return nil }
      len = 0
      for k in 0..<n { len = len << 8 | Int(b[start + k]) }
      start += n
    }
    guard start + len <= b.count else { return nil }
    return Element(tag: tag, contentStart: start, end: start + len)
  }

  /// Name ::= SEQUENCE OF SET OF SEQUENCE { OID, value }; CN is OID 2.5.4.3.
  static func commonName(_ b: [UInt8], name: Element) -> String? {
    let cnOID: [UInt8] = [0x55, 0x04, 0x03]
    var i = name.contentStart
    while i < name.end, let set = element(b, at: i) {
      var j = set.contentStart
      while j < set.end, let atv = element(b, at: j) {
        if let oid = element(b, at: atv.contentStart), oid.tag == 0x06,
          Array(b[oid.contentStart..<oid.end]) == cnOID,
          let value = element(b, at: oid.end)
        {
          return String(decoding: b[value.contentStart..<value.end], as: UTF8.self)
        }
        j = atv.end
      }
      i = set.end
    }
    return nil
  }
}

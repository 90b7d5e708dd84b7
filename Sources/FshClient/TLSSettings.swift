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
  /// before any response) or a 5xx answer: 4, so five attempts. The transport never sends a
  /// mutation twice (callers that can recognise their own change retry it themselves).
  public var retries: Int
  /// First retry delay in seconds; doubles on each further retry.
  public var retryBackoff: Double

  /// The name every flocker-ca control certificate carries and that is verified.
  public static let serviceName = "control-service"

  public init(
    host: String, port: Int = 4523, caFile: String, certFile: String, keyFile: String,
    connectTimeout: Double = 5, requestTimeout: Double = 30, retries: Int = 4,
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

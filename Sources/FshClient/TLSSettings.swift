// How to reach and authenticate to one control service.
import Foundation
import FshModel

package struct TLSSettings: Sendable, Equatable {
  /// The host or IP that is dialled. The server certificate is verified as `control-service`
  /// regardless (what Flocker's own clients do).
  package var host: String
  package var port: Int
  /// cluster.crt: the only trust anchor.
  package var caFile: String
  /// The client certificate (CN `user-…`) and its key, PEM files.
  package var certFile: String
  package var keyFile: String
  /// Seconds to establish TCP + TLS.
  package var connectTimeout: Double
  /// Seconds for a whole request, connect included.
  package var requestTimeout: Double
  /// How many times a GET is retried after a connection failure (refused, unreachable, dropped
  /// before any response) or a 5xx answer: 4, so five attempts. The transport never sends a
  /// mutation twice (callers that can recognise their own change retry it themselves).
  package var retries: Int
  /// First retry delay in seconds; doubles on each further retry.
  package var retryBackoff: Double

  /// The name every flocker-ca control certificate carries and that is verified.
  package static let serviceName = "control-service"

  package init(
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
  package var hostPort: String { "\(Self.bracketed(host)):\(port)" }

  /// `https://control-service:P/v1/...`
  package func url(for path: String) -> String {
    "https://\(Self.serviceName):\(port)\(path)"
  }

  /// The `CURLOPT_CONNECT_TO` / `curl --connect-to` entry mapping the service name to the host.
  package var connectTo: String { "\(Self.serviceName):\(port):\(Self.bracketed(host)):\(port)" }

  static func bracketed(_ host: String) -> String {
    host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
  }
}

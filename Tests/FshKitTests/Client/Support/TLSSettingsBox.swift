// TLS settings for the client tests, against the sandbox (SandboxPeer) or the hostile server.
import FshTestSupport

@testable import FshClient

/// TLSSettings plus a transport factory, so tests read short.
struct TLSSettingsBox {
  var settings: TLSSettings
  init(
    host: String, port: Int, caFile: String, certFile: String, keyFile: String,
    connectTimeout: Double, requestTimeout: Double, retries: Int
  ) {
    settings = TLSSettings(
      host: host, port: port, caFile: caFile, certFile: certFile, keyFile: keyFile,
      connectTimeout: connectTimeout, requestTimeout: requestTimeout, retries: retries,
      retryBackoff: 0.05)
  }
  func transport(trace: ((String) -> Void)? = nil) throws -> CurlTransport {
    try CurlTransport(settings: settings, trace: trace)
  }
  func client() throws -> FlockerClient { FlockerClient(transport: try transport()) }
}

extension HostileServer {
  /// Settings that dial this server as the test PKI's API user (FshTestSupport knows no client).
  func settings(
    host: String = "127.0.0.1", ca: String? = nil, cert: String? = nil, key: String? = nil,
    port: Int? = nil, connectTimeout: Double = 5, requestTimeout: Double = 30, retries: Int = 2
  ) -> TLSSettingsBox {
    TLSSettingsBox(
      host: host, port: port ?? self.port, caFile: ca ?? files.caFile,
      certFile: cert ?? files.userCert, keyFile: key ?? files.userKey,
      connectTimeout: connectTimeout, requestTimeout: requestTimeout, retries: retries)
  }
}

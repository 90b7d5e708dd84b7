// The `curl` command's text: the request fsh sent last, as a curl command line someone can paste.
import FshClient
import FshModel
import FshRuntime

extension FlockerClient {
  /// The `curl` invocation equivalent to `request`: paths of the certificate files only, never
  /// their contents; shell-quoted.
  package static func curlCommandLine(for request: RecordedRequest, settings: TLSSettings) -> String
  {
    var args = [
      "curl", "--cacert", settings.caFile, "--cert", settings.certFile, "--key", settings.keyFile,
      "--connect-to", settings.connectTo, request.url,
    ]
    if request.method != "GET" { args += ["-X", request.method] }
    for (name, value) in request.headers where name.lowercased() != "expect" {
      args += ["-H", "\(name): \(value)"]
    }
    if let body = request.body {
      if !request.headers.contains(where: { $0.0.lowercased() == "content-type" }) {
        args += ["-H", "Content-Type: application/json"]
      }
      args += ["-d", String(decoding: body, as: UTF8.self)]
    }
    return args.map { shellQuote($0) }.joined(separator: " ")
  }

  /// `curlCommandLine(for: lastRequest, settings:)`, or nil before any request.
  package func curlCommandLine(settings: TLSSettings) -> String? {
    lastRequest.map { Self.curlCommandLine(for: $0, settings: settings) }
  }
}

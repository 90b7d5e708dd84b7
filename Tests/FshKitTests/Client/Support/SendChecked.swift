import FshModel

@testable import FshClient
@testable import FshKit
@testable import FshRuntime

extension FlockerClient {
  /// Sends a request as the typed endpoints do: a non-2xx answer throws the client's error (the
  /// tests of error wording for paths no endpoint has).
  @discardableResult
  func sendChecked(method: String, path: String) throws -> HTTPResponse {
    let request = HTTPRequest(method: method, path: path)
    let response = try send(request)
    guard (200..<300).contains(response.status) else {
      throw Self.httpError(response, request: request, hints: [:])
    }
    return response
  }
}

import Foundation
import FshModel

/// A transport that lets only reads through: GET and HEAD reach the wrapped transport, anything
/// else is refused before it is sent. A rehearsal reads the real cluster through one, so the
/// cluster can receive nothing but reads whatever the code above it does.
package final class ReadOnlyTransport: ControlTransport, @unchecked Sendable {
  /// The transport the reads go through.
  package let base: ControlTransport

  package init(_ base: ControlTransport) {
    self.base = base
  }

  package func perform(_ request: HTTPRequest) throws -> HTTPResponse {
    let method = request.method.uppercased()
    guard method == "GET" || method == "HEAD" else {
      throw ClientError(
        .invalidRequest,
        "refused to send \(method) \(request.path): this connection is read-only")
    }
    return try base.perform(request)
  }

  package func perform(
    _ request: HTTPRequest, streamingBody consume: (UnsafeBufferPointer<UInt8>, Int) -> Void
  ) throws -> HTTPResponse {
    let method = request.method.uppercased()
    guard method == "GET" || method == "HEAD" else { return try perform(request) }
    return try base.perform(request, streamingBody: consume)
  }

  package func cancel() { base.cancel() }

  package func url(for path: String) -> String { base.url(for: path) }
}

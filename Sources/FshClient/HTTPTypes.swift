// The transport-neutral HTTP shapes the Flocker client speaks, and the protocol a carrier implements.
import Foundation
import FshModel

/// One request to the control service. `path` is absolute from the server root, e.g. "/v1/version".
public struct HTTPRequest: Sendable, Equatable {
  public var method: String
  public var path: String
  public var headers: [(String, String)]
  public var body: [UInt8]?

  public init(method: String, path: String, headers: [(String, String)] = [], body: [UInt8]? = nil)
  {
    self.method = method
    self.path = path
    self.headers = headers
    self.body = body
  }

  /// The first value of a header, compared case-insensitively.
  public func header(_ name: String) -> String? {
    headers.first { $0.0.caseInsensitiveCompare(name) == .orderedSame }?.1
  }

  /// "GET /v1/version": how messages name the request.
  public var summary: String { "\(method) \(path)" }

  public static func == (a: HTTPRequest, b: HTTPRequest) -> Bool {
    a.method == b.method && a.path == b.path && a.body == b.body
      && a.headers.map { [$0.0, $0.1] } == b.headers.map { [$0.0, $0.1] }
  }
}

/// A complete response: status, headers in arrival order, body bytes.
public struct HTTPResponse: Sendable {
  public var status: Int
  public var headers: [(String, String)]
  public var body: [UInt8]

  public init(status: Int, headers: [(String, String)] = [], body: [UInt8] = []) {
    self.status = status
    self.headers = headers
    self.body = body
  }

  /// The last value of a header, compared case-insensitively.
  public func header(_ name: String) -> String? {
    headers.last { $0.0.caseInsensitiveCompare(name) == .orderedSame }?.1
  }

  /// The body as UTF-8 text (lossy), for messages and the `api` command.
  public var bodyText: String { String(decoding: body, as: UTF8.self) }
}

/// What carries requests to a control service. `CurlTransport` is the real one; the sandbox or a
/// test may supply an in-process one.
public protocol ControlTransport: AnyObject {
  /// Runs one request to completion. Throws `ClientError` for anything that is not an HTTP response
  /// (connection, TLS, timeout, cancellation). Any HTTP status is returned, never thrown.
  func perform(_ request: HTTPRequest) throws -> HTTPResponse
  /// Callable from any thread: aborts the transfer in progress (it throws `.cancelled`) within a
  /// fraction of a second. Does nothing when no transfer is running.
  func cancel()
  /// The full URL a request goes to, for `lastRequest` and the `curl` command.
  func url(for path: String) -> String
  /// `perform`, handing a 200 answer's body to `consume` in chunks as it arrives, each with
  /// its offset in the body (it is then not kept in the response; a retried request starts
  /// again at offset 0). Other answers keep their body, for the error message.
  func perform(
    _ request: HTTPRequest, streamingBody consume: (UnsafeBufferPointer<UInt8>, Int) -> Void
  ) throws -> HTTPResponse
  /// Sends the transport's trace lines (requests, headers, TLS steps) to `trace`; nil stops
  /// tracing, which then costs nothing. Transports without a trace ignore it.
  func setTrace(_ trace: ((String) -> Void)?)
  /// The timings of the last transfer, for `FSH_TIMING`; nil when the transport does not
  /// measure them.
  var lastTransfer: TransferInfo? { get }
  /// The chain (PEM) the server presented on the last new connection; empty without TLS.
  var serverCertificates: [String] { get }
  /// Runs `body` with a second, independent connection to the same service, for reading two
  /// lists side by side (`cancel()` reaches it too); nil when the transport has none.
  func withCompanion(_ body: (ControlTransport?) throws -> Void) rethrows
}

extension ControlTransport {
  public func url(for path: String) -> String { path }
  public func setTrace(_ trace: ((String) -> Void)?) {}
  public var lastTransfer: TransferInfo? { nil }
  public var serverCertificates: [String] { [] }

  public func withCompanion(_ body: (ControlTransport?) throws -> Void) rethrows { try body(nil) }

  /// Without streaming: the whole body, in one chunk, once it is in.
  public func perform(
    _ request: HTTPRequest, streamingBody consume: (UnsafeBufferPointer<UInt8>, Int) -> Void
  ) throws -> HTTPResponse {
    var response = try perform(request)
    guard response.status == 200 else { return response }
    response.body.withUnsafeBufferPointer { consume($0, 0) }
    response.body = []
    return response
  }
}

/// A transport that hands each request to a function in the same process: for a control
/// service embedded in the program (the sandbox's `handle`), a recorder, or a test double.
public final class InProcessTransport: ControlTransport, @unchecked Sendable {
  private let handler: (HTTPRequest) throws -> HTTPResponse
  private let lock = NSLock()
  private var cancelled = false

  /// Creates a transport that answers with `handler`.
  public init(_ handler: @escaping (HTTPRequest) throws -> HTTPResponse) {
    self.handler = handler
  }

  public func perform(_ request: HTTPRequest) throws -> HTTPResponse {
    lock.lock()
    let wasCancelled = cancelled
    cancelled = false
    lock.unlock()
    if wasCancelled { throw ClientError(.cancelled, "the request was cancelled") }
    return try handler(request)
  }

  public func cancel() {
    lock.lock()
    cancelled = true
    lock.unlock()
  }
}

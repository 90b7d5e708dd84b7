// Everything the client can fail with, as data: a code, what the server said, and a message that
// says what happened in the API's terms (never in a shell's: the program using the client adds
// advice in its own words).
import Foundation
import FshModel

public struct ClientError: Error, Equatable, Sendable {
  public enum Code: String, Sendable, Equatable, CaseIterable {
    /// Host name does not resolve, no route, network down.
    case unreachable
    /// TCP connection refused: nothing listens on the port.
    case refused
    /// The connection closed before a response arrived (not a TLS rejection).
    case connectionDropped
    /// Connect or total timeout.
    case timeout
    /// The server's certificate is not signed by the configured cluster.crt.
    case tlsUnknownCA
    /// The server's certificate does not carry the name `control-service`.
    case tlsServerName
    /// The server refused the client certificate during the handshake (curl 35/55/56).
    case tlsClientRejected
    /// The configured client certificate is a node (agent) certificate, CN `node-…`.
    case tlsNodeCertificate
    /// The client certificate or key is unreadable, not PEM, or they do not match (curl 58).
    case tlsLocalCredentials
    /// The CA file (cluster.crt) is unreadable (curl 77).
    case caFileUnreadable
    /// A certificate (ours or the server's) is outside its validity period.
    case expired
    /// `cancel()` was called (Ctrl-C).
    case cancelled
    /// A 4xx answer with a JSON `{"description": …}` body (including 405 on a deleted dataset).
    case http
    /// 412: `X-If-Configuration-Matches` did not match the current configuration tag.
    case precondition
    /// 5xx, including the bare JSON string incident id Flocker sends on an internal error.
    case serverError
    /// Not what a Flocker v1 control service sends: malformed or truncated JSON, an HTML 404.
    case badResponse
    /// The request could not be built (bad JSON given to `api`, an id that is not a UUID).
    case invalidRequest
    /// Any other libcurl failure; `detail` holds curl's text.
    case transport
  }

  public var code: Code
  /// One line, lower-case start, names quoted, ends with what to do.
  public var message: String
  /// The HTTP status, when there was a response.
  public var status: Int?
  /// The server's own `description`, verbatim.
  public var description: String?
  /// The server's `errors` list (JSON-Schema failures), verbatim.
  public var errors: [String]
  /// curl's code and error-buffer text, for `--verbose`; never key material.
  public var detail: String?
  /// The method and path of the request an HTTP error answered (nil for other failures), so a
  /// program can add advice of its own (fsh names its commands; the client knows none).
  public var method: String?
  public var path: String?

  public init(
    _ code: Code, _ message: String, status: Int? = nil, description: String? = nil,
    errors: [String] = [], detail: String? = nil
  ) {
    self.code = code
    self.message = message
    self.status = status
    self.description = description
    self.errors = errors
    self.detail = detail
  }
}

extension ClientError: LocalizedError {
  public var errorDescription: String? { message }
}

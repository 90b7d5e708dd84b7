import FshLanguage
import FshRuntime

/// The kinds of error of fsh's domains: the language knows none of them (a parse has no
/// cluster), the runtime and its commands do. Stable, like the language's own.
extension Diagnostic.Code {
  /// The configuration cannot be resolved or read (a bad port, an unreadable profile).
  public static let configuration: Self = "configuration"
  /// The control service answered with an error, or could not be reached.
  public static let cluster: Self = "cluster"
  /// A name or prefix that matches more than one thing.
  public static let ambiguous: Self = "ambiguous"
  /// A name or id that is taken (a second live dataset with a name, an id in use).
  public static let exists: Self = "exists"
  /// The configuration changed under a conditional request, or the server refused a conflict.
  public static let conflict: Self = "conflict"
  /// Another node holds the lease.
  public static let leased: Self = "leased"
  /// The TLS handshake or the certificates (ours, the CA, the server's).
  public static let tls: Self = "tls"
  /// The control service could not be reached, or the connection closed.
  public static let connection: Self = "connection"
  /// The control service failed (HTTP 5xx).
  public static let server: Self = "server"
}

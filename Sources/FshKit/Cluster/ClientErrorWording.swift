// A client error as fsh shows it: the client's message, the fsh command that fixes it when
// there is one, the server's schema errors as notes.
import FshClient
import FshLanguage
import FshModel
import FshRuntime

extension Diagnostic {
  /// A client error as a diagnostic: its message, the server's schema errors as notes.
  package init(_ e: ClientError, verbose: Bool = false) {
    let code: Code
    switch e.code {
    case .cancelled: code = .cancelled
    case .timeout: code = .timeout
    case .unreachable, .refused, .connectionDropped: code = .connection
    case .tlsUnknownCA, .tlsServerName, .tlsClientRejected, .tlsNodeCertificate,
      .tlsLocalCredentials, .caFileUnreadable, .expired:
      code = .tls
    case .serverError: code = .server
    case .precondition: code = .conflict
    case .http where e.status == 409 && e.path == "/v1/configuration/leases": code = .leased
    case .http where e.status == 409: code = .conflict
    case .http where e.status == 404 || e.status == 405: code = .notFound
    default: code = .cluster
    }
    var notes = e.errors.map { "server: \($0)" }
    if verbose, let d = e.detail { notes.append("curl: \(d)") }
    var message = e.message
    if let advice = e.shellAdvice { message += "; " + advice }
    self.init(message, code: code, notes: notes)
  }
}

extension ClientError {
  /// The fsh command or flag that helps, for the errors where one does.
  var shellAdvice: String? {
    // A libcurl failure fsh cannot name (the client keeps curl's own text in `detail`).
    if code == .transport, detail != nil { return "retry with --verbose for details" }
    guard code == .http, let method, let path, let status else { return nil }
    let datasets = "/v1/configuration/datasets/"
    if status == 404, method == "POST" || method == "DELETE", path.hasPrefix(datasets) {
      return "no dataset has the id '\(path.dropFirst(datasets.count))'; list them with 'datasets'"
    }
    if status == 409, method == "POST", path == "/v1/configuration/leases" {
      return "another node holds the lease; release it first with 'lease release'"
    }
    return nil
  }
}

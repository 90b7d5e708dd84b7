// A row of `certs check` and what the checks read.
import Foundation
import FshPKI
import FshRuntime

#if canImport(Glibc)
  import Glibc
#endif

/// One line of `certs check`.
package struct CertificateCheck: Equatable, Sendable {
  package enum Status: String, Sendable, CaseIterable {
    case pass, warn, fail, skip
  }

  /// `C1`…`C8`, `L1`…`L5`, `N1`…`N6`.
  package var id: String
  /// A short name: `files`, `key matches`.
  package var title: String
  package var status: Status
  /// What was found, naming the file.
  package var message: String
  /// What to do; nil for a pass.
  package var fix: String?

  package init(
    _ id: String, _ title: String, _ status: Status, _ message: String, fix: String? = nil
  ) {
    self.id = id
    self.title = title
    self.status = status
    self.message = message
    self.fix = fix
  }

  /// The record `-o json` prints.
  package var value: Value {
    .record(
      Record([
        ("check", .string(id)), ("title", .string(title)), ("status", .string(status.rawValue)),
        ("message", .string(message)), ("fix", .from(fix)),
      ]))
  }
}

/// What the offline checks read: the resolved paths and connection values.
package struct CertificateCheckInputs: Sendable {
  package var caFile: String?
  package var certFile: String?
  package var keyFile: String?
  package var host: String?
  /// The port as configured (text: it may not be a number), and where it came from.
  package var port: String?
  package var portSource: String = "default"
  /// The control service certificate to check (C8), when one is available locally.
  package var controlCertificateFile: String?
  /// Configuration warnings (empty variables…), reported under C7.
  package var configurationWarnings: [String] = []
  /// The moment validity is judged at.
  package var now = Date()

  package init() {}

  /// The session's resolved files and values; the control certificate is
  /// `<certs>/control-service.crt` when it exists.
  package init(configuration c: Configuration, controlCertificate: String? = nil) {
    caFile = c[.ca]
    certFile = c[.cert]
    keyFile = c[.key]
    host = c.host
    port = c[.port]
    portSource = c.values[.port]?.source.description ?? "default"
    if let explicit = controlCertificate {
      controlCertificateFile = explicit
    } else if let certs = c[.certs] {
      let candidate = Paths.join(certs, "control-service.crt")
      if FileManager.default.fileExists(atPath: candidate) { controlCertificateFile = candidate }
    }
    configurationWarnings = c.warnings.filter { $0.contains("set but empty") }
  }
}

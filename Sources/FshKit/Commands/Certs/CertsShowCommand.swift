import Foundation
import FshClient
import FshLanguage
import FshModel
import FshPKI
import FshRuntime

struct CertsShowCommand: DeclaredCommand {
  @Arg(.positional("FILE", "a PEM certificate or key", completion: .file))
  var file: CommandArgument
  static let help = CommandHelp(
    ["certs", "show"], summary: "show what a certificate (or key) file holds",
    parameters: declared,
    discussion: """
      Subject, issuer, X.509 version, serial, validity, SAN, EKU, key type and size, SHA-256 \
      fingerprint and its Flocker role. For a key file: only its kind and whether it is \
      encrypted; key material is never shown.
      """,
    examples: ["certs show /etc/flocker/control-service.crt", "certs show cluster.crt -o json"])

  func run(in context: CommandContext) throws -> CommandResult {
    let env = context.session.environment
    let path = Paths.absolute(
      file.text, relativeTo: env.workingDirectory, home: env.variables["HOME"])
    let f = CheckedFile(path)
    if let problem = f.problem {
      throw Diagnostic(
        CertificateChecks.describe(problem, f, "file"), code: .io, range: file.range)
    }
    let text = f.text ?? ""
    let labels = pemLabels(text)
    let certificates: [CertificateInfo]
    do {
      certificates = try CertificateInfo.parseAll(pem: text)
    } catch {
      throw Diagnostic(
        "'\(file.text)' has a certificate that does not parse: \(error)", code: .failed,
        range: file.range)
    }
    if certificates.isEmpty {
      if labels.contains(where: { $0.hasSuffix("PRIVATE KEY") }) {
        return try keyResult(text, path: path)
      }
      throw Diagnostic(
        "'\(file.text)' holds no PEM certificate or key", code: .failed,
        notes: [
          labels.isEmpty
            ? "it is not PEM (DER? convert with `openssl x509 -inform der -in FILE`)"
            : "its PEM blocks: \(labels.joined(separator: ", "))"
        ], range: file.range)
    }
    let records = certificates.map { Self.record($0, path: path) }
    if records.count == 1 { return CommandResult(records[0], .record) }
    let f2 = ResultFormatter()
    let text2 = records.enumerated().map { i, r in
      "# certificate \(i + 1) of \(records.count)\n" + f2.recordText(r)
    }.joined(separator: "\n")
    return CommandResult(.list(records), .rendered(text2))
  }

  func keyResult(_ text: String, path: String) throws -> CommandResult {
    do {
      let key = try PrivateKeyInfo(pem: text)
      return CommandResult(
        .record(
          Record([
            ("file", .string(path)), ("kind", .string("private key")),
            ("format", .string(key.format.rawValue)), ("encrypted", .bool(key.isEncrypted)),
            ("algorithm", .from(key.algorithm)),
          ])), .record)
    } catch {
      throw Diagnostic("'\(file.text)': \(error)", code: .failed, range: file.range)
    }
  }

  static func record(_ c: CertificateInfo, path: String) -> Value {
    let status: String
    switch c.validity() {
    case .valid: status = "valid"
    case .expired: status = "expired"
    case .notYetValid: status = "not yet valid"
    }
    let version =
      c.isVersion1WithExtensions
      ? "1 (with extensions: OpenSSL reads them, Go ≥ 1.17 ignores them)"
      : String(c.versionNumber)
    return .record(
      Record([
        ("file", .string(path)), ("role", .string(c.role.description)),
        ("subject", .string(c.subject)), ("issuer", .string(c.issuer)),
        ("version", .string(version)), ("serial", .string(c.serialNumberHex)),
        ("not_before", .string(CertificateChecks.date(c.notValidBefore))),
        ("not_after", .string(CertificateChecks.date(c.notValidAfter))),
        ("validity", .string(status)),
        ("san", .list(c.subjectAlternativeNames.map(Value.string))),
        ("eku", c.extendedKeyUsage.map { .list($0.map(Value.string)) } ?? .null),
        ("key_usage", c.keyUsage.map { .list($0.map(Value.string)) } ?? .null),
        ("ca", .bool(c.isCertificateAuthority)),
        ("key", .string(c.publicKeyDescription)), ("signature", .string(c.signatureAlgorithm)),
        ("sha256", .string(c.sha256Fingerprint)),
      ]))
  }
}

// `certs check`: the checklist of reference/k8s-flocker.md §7.3 — C1–C8 offline against the
// resolved files, L1–L5 against the live control service — and the agent-node variant.
// Each check is a row: pass, warn, fail (or skip when it does not apply), with the fix spelled out.
import Foundation
import FshPKI

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// One line of `certs check`.
public struct CertificateCheck: Equatable, Sendable {
  public enum Status: String, Sendable {
    case pass, warn, fail, skip
  }

  /// `C1`…`C8`, `L1`…`L5`, `N1`…`N6`.
  public var id: String
  /// A short name: `files`, `key matches`.
  public var title: String
  public var status: Status
  /// What was found, naming the file.
  public var message: String
  /// What to do; nil for a pass.
  public var fix: String?

  public init(
    _ id: String, _ title: String, _ status: Status, _ message: String, fix: String? = nil
  ) {
    self.id = id
    self.title = title
    self.status = status
    self.message = message
    self.fix = fix
  }

  /// The record `-o json` prints.
  public var value: Value {
    .record(
      Record([
        ("check", .string(id)), ("title", .string(title)), ("status", .string(status.rawValue)),
        ("message", .string(message)), ("fix", .from(fix)),
      ]))
  }
}

/// What the offline checks read: the resolved paths and connection values.
public struct CertificateCheckInputs: Sendable {
  public var caFile: String?
  public var certFile: String?
  public var keyFile: String?
  public var host: String?
  /// The port as configured (text: it may not be a number), and where it came from.
  public var port: String?
  public var portSource: String = "default"
  /// The control service certificate to check (C8), when one is available locally.
  public var controlCertificateFile: String?
  /// Configuration warnings (empty variables…), reported under C7.
  public var configurationWarnings: [String] = []
  /// The moment validity is judged at.
  public var now = Date()

  public init() {}

  /// The session's resolved files and values; the control certificate is
  /// `<certs>/control-service.crt` when it exists.
  public init(configuration c: Configuration, controlCertificate: String? = nil) {
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

/// A file read for checking: its text and mode, or why it could not be read.
struct CheckedFile {
  enum Problem: Equatable {
    case notConfigured, missing, directory, unreadable(String)
  }
  var path: String
  var text: String?
  var mode: mode_t = 0
  var problem: Problem?

  init(_ path: String?) {
    self.path = path ?? ""
    guard let path, !path.isEmpty else {
      problem = .notConfigured
      return
    }
    var st = stat()
    guard stat(path, &st) == 0 else {
      problem = errno == ENOENT || errno == ENOTDIR ? .missing : .unreadable(Self.errorText(errno))
      return
    }
    mode = st.st_mode & 0o7777
    if (st.st_mode & S_IFMT) == S_IFDIR {
      problem = .directory
      return
    }
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else {
      problem = .unreadable(Self.errorText(errno))
      return
    }
    defer { close(fd) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 16384)
    while bytes.count < 4 << 20 {
      let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
      if n < 0 && errno == EINTR { continue }
      if n < 0 {
        problem = .unreadable(Self.errorText(errno))
        return
      }
      if n == 0 { break }
      bytes += buffer[0..<n]
    }
    text = String(decoding: bytes, as: UTF8.self)
  }

  static func errorText(_ code: Int32) -> String { String(cString: strerror(code)) }

  var name: String { (path as NSString).lastPathComponent }
  var modeText: String { String(format: "%04o", Int(mode)) }
}

/// The checks of `certs check`, as pure-ish functions over files and answers.
public enum CertificateChecks {
  static let user: String = {
    if let pw = getpwuid(geteuid()), let name = pw.pointee.pw_name { return String(cString: name) }
    return "uid \(geteuid())"
  }()

  static func date(_ d: Date) -> String {
    let f = ISO8601DateFormatter()
    f.formatOptions = [.withInternetDateTime]
    return f.string(from: d)
  }

  // MARK: - Offline: C1–C8

  /// C1–C8 against the files and values in `inputs`.
  public static func offline(_ inputs: CertificateCheckInputs) -> [CertificateCheck] {
    let ca = CheckedFile(inputs.caFile)
    let cert = CheckedFile(inputs.certFile)
    let key = CheckedFile(inputs.keyFile)
    var out: [CertificateCheck] = []
    out += files(ca: ca, cert: cert, key: key)

    // C2: the CA.
    var caInfo: CertificateInfo?
    if ca.text != nil {
      let (row, info) = caCertificate(ca, id: "C2")
      out.append(row)
      caInfo = info
    } else {
      out.append(skipped("C2", "CA certificate", ca))
    }

    // C3: the client certificate and key.
    var certInfo: CertificateInfo?
    if cert.text != nil {
      let (rows, info) = certificateAndKey(cert, key, id: "C3", what: "client")
      out += rows
      certInfo = info
    } else {
      out.append(skipped("C3", "certificate and key", cert))
    }

    // C4: signed by the CA, same cluster.
    if let caInfo, let certInfo {
      out.append(chain(certInfo, file: cert, to: caInfo, caFile: ca, id: "C4", what: "client"))
    } else {
      out.append(
        CertificateCheck("C4", "signed by CA", .skip, "needs a readable CA and client certificate"))
    }

    // C5: a user certificate.
    if let certInfo {
      out += userCertificate(certInfo, file: cert)
    } else {
      out.append(CertificateCheck("C5", "user- CN", .skip, "needs a readable client certificate"))
    }

    // C8's certificate is read now so that C6 judges its validity too.
    var control: (CheckedFile, CertificateInfo?)?
    if let path = inputs.controlCertificateFile {
      let file = CheckedFile(path)
      control = (file, file.text.flatMap { try? CertificateInfo.parseAll(pem: $0).first })
    }

    // C6: validity.
    var dated: [(String, CertificateInfo)] = []
    if let caInfo { dated.append((ca.path, caInfo)) }
    if let certInfo { dated.append((cert.path, certInfo)) }
    if let (file, info) = control, let info { dated.append((file.path, info)) }
    out += validity(dated, now: inputs.now, id: "C6")

    // C7: port and host variables.
    out += connectionValues(inputs)

    // C8: the control service certificate, when it is here.
    if let (file, info) = control {
      if let problem = file.problem {
        out.append(
          CertificateCheck(
            "C8", "control certificate", .fail, "\(describe(problem, file, "control certificate"))",
            fix: "make it readable, or name another one with --control FILE"))
      } else if let info {
        out += controlCertificate(info, source: file.path, ca: caInfo, host: inputs.host, id: "C8")
      } else {
        out.append(
          CertificateCheck(
            "C8", "control certificate", .fail,
            "'\(file.path)' holds no PEM certificate that parses",
            fix: "use the control-<host>.crt flocker-ca wrote, renamed to control-service.crt"))
      }
    } else {
      out.append(
        CertificateCheck(
          "C8", "control certificate", .skip,
          "no control-service.crt here (it lives on the control node); `certs check --live` "
            + "checks the one the service presents"))
    }
    return out
  }

  static func skipped(_ id: String, _ title: String, _ file: CheckedFile) -> CertificateCheck {
    CertificateCheck(id, title, .skip, "'\(file.path.isEmpty ? "(none)" : file.path)' was not read")
  }

  static func describe(_ problem: CheckedFile.Problem, _ file: CheckedFile, _ what: String)
    -> String
  {
    switch problem {
    case .notConfigured: return "no \(what) is configured"
    case .missing: return "\(what) '\(file.path)' does not exist"
    case .directory: return "\(what) '\(file.path)' is a directory"
    case .unreadable(let why): return "\(what) '\(file.path)' cannot be read by \(user): \(why)"
    }
  }

  // C1
  static func files(ca: CheckedFile, cert: CheckedFile, key: CheckedFile) -> [CertificateCheck] {
    var rows: [CertificateCheck] = []
    let settings: [(CheckedFile, String, String)] = [
      (ca, "CA file", "--ca, FLOCKER_CONTROL_SERVICE_CA_FILE or <certs>/cluster.crt"),
      (cert, "client certificate", "--cert, FLOCKER_CONTROL_SERVICE_CLIENT_CERT_FILE or --user"),
      (key, "client key", "--key, FLOCKER_CONTROL_SERVICE_CLIENT_KEY_FILE or --user"),
    ]
    for (file, what, setting) in settings {
      guard let problem = file.problem else { continue }
      let fix: String
      switch problem {
      case .notConfigured, .missing, .directory:
        fix =
          "point \(setting) at the right file (`config` shows where the path came from); "
          + "the kubelet reads the same variables"
      case .unreadable:
        fix =
          "the kubelet runs as root: run `certs check` as root, or `chmod 0600` and `chown` "
          + "the file to the user that needs it"
      }
      rows.append(CertificateCheck("C1", "files", .fail, describe(problem, file, what), fix: fix))
    }
    if key.problem == nil {
      if key.mode & 0o007 != 0 {
        rows.append(
          CertificateCheck(
            "C1", "files", .fail,
            "client key '\(key.path)' is mode \(key.modeText): every user can read it",
            fix: "chmod 0600 '\(key.path)'; anyone who had it can act as this API user"))
      } else if key.mode & 0o070 != 0 {
        rows.append(
          CertificateCheck(
            "C1", "files", .warn, "client key '\(key.path)' is mode \(key.modeText), not 0600",
            fix: "chmod 0600 '\(key.path)'"))
      }
      let dir = Paths.directory(of: key.path)
      var st = stat()
      if stat(dir, &st) == 0, st.st_mode & 0o077 != 0 {
        rows.append(
          CertificateCheck(
            "C1", "files", .warn,
            "directory '\(dir)' of the key is mode "
              + String(format: "%04o", Int(st.st_mode & 0o7777))
              + ", not 0700 as the Flocker docs set /etc/flocker",
            fix: "chmod 0700 '\(dir)'"))
      }
    }
    if rows.isEmpty {
      rows.append(
        CertificateCheck(
          "C1", "files", .pass,
          "\(ca.name), \(cert.name) and \(key.name) are readable; \(key.name) is \(key.modeText)"))
    }
    return rows
  }

  // C2 (and N for the node's cluster.crt)
  static func caCertificate(_ file: CheckedFile, id: String) -> (CertificateCheck, CertificateInfo?)
  {
    let title = "CA certificate"
    let text = file.text ?? ""
    let labels = pemLabels(text)
    let certificates: [CertificateInfo]
    do {
      certificates = try CertificateInfo.parseAll(pem: text)
    } catch {
      return (
        CertificateCheck(
          id, title, .fail, "'\(file.path)' has a CERTIFICATE block that does not parse: \(error)",
          fix: "copy cluster.crt again from the machine where the CA was made"), nil
      )
    }
    guard let ca = certificates.first else {
      let found =
        labels.contains { $0.hasSuffix("PRIVATE KEY") }
        ? "it holds a private key, not a certificate (is it cluster.key?)"
        : labels.isEmpty
          ? "it is not PEM" : "it holds \(labels.joined(separator: ", ")) but no CERTIFICATE"
      return (
        CertificateCheck(
          id, title, .fail, "'\(file.path)' has no PEM certificate: \(found)",
          fix:
            "name the cluster's cluster.crt (flocker-go ignores a CA file it cannot parse and "
            + "then trusts nothing)"), nil
      )
    }
    if !ca.isSelfIssued || !ca.isSelfSigned {
      return (
        CertificateCheck(
          id, title, .fail,
          "'\(file.path)' is not a self-signed CA: subject '\(ca.subject)', issuer '\(ca.issuer)'",
          fix: "use the cluster.crt written by `flocker-ca initialize` (or `certs init`)"), ca
      )
    }
    if !ca.isCertificateAuthority {
      return (
        CertificateCheck(
          id, title, .fail, "'\(file.path)' is not a CA certificate (basicConstraints CA:FALSE)",
          fix: "use the cluster.crt written by `flocker-ca initialize` (or `certs init`)"), ca
      )
    }
    guard let ou = ca.organizationalUnit else {
      return (
        CertificateCheck(
          id, title, .warn,
          "'\(file.path)' is a self-signed CA but has no OU: Flocker keeps the cluster UUID there",
          fix: "a CA made by flocker-ca always has one; check that this is the cluster's CA"), ca
      )
    }
    return (
      CertificateCheck(
        id, title, .pass,
        "\(file.name): self-signed CA '\(ca.commonName ?? ca.subject)', cluster \(ou)"), ca
    )
  }

  // C3 (and N for node.crt/node.key)
  static func certificateAndKey(
    _ cert: CheckedFile, _ key: CheckedFile, id: String, what: String
  ) -> ([CertificateCheck], CertificateInfo?) {
    let title = "certificate and key"
    let text = cert.text ?? ""
    let info: CertificateInfo
    do {
      guard let first = try CertificateInfo.parseAll(pem: text).first else {
        let labels = pemLabels(text)
        let found =
          labels.contains { $0.hasSuffix("PRIVATE KEY") }
          ? "it holds a private key (certificate and key swapped?)"
          : labels.isEmpty ? "it is not PEM" : "it holds \(labels.joined(separator: ", "))"
        return (
          [
            CertificateCheck(
              id, title, .fail, "\(what) certificate '\(cert.path)' has no certificate: \(found)",
              fix: "use the .crt file flocker-ca wrote")
          ], nil
        )
      }
      info = first
    } catch {
      return (
        [
          CertificateCheck(
            id, title, .fail, "\(what) certificate '\(cert.path)' does not parse: \(error)",
            fix: "use the .crt file flocker-ca wrote")
        ], nil
      )
    }
    var rows: [CertificateCheck] = []
    if info.isCertificateAuthority {
      rows.append(
        CertificateCheck(
          id, title, .fail,
          "the first certificate in '\(cert.path)' is a CA ('\(info.subject)'), not the leaf",
          fix: "the file must start with the \(what) certificate; do not use cluster.crt here"))
    }
    guard let keyText = key.text else {
      return (rows, info)
    }
    let keyInfo: PrivateKeyInfo
    do {
      keyInfo = try PrivateKeyInfo(pem: keyText)
    } catch {
      rows.append(
        CertificateCheck(
          id, title, .fail, "\(what) key '\(key.path)': \(error)",
          fix:
            "use the .key file written with '\(cert.name)' (an unencrypted RSA PRIVATE KEY, "
            + "PRIVATE KEY or EC PRIVATE KEY block)"))
      return (rows, info)
    }
    if keyInfo.isEncrypted {
      rows.append(
        CertificateCheck(
          id, title, .fail,
          "\(what) key '\(key.path)' is encrypted (\(keyInfo.format.rawValue)); Go's "
            + "tls.X509KeyPair and the kubelet cannot ask for a passphrase",
          fix: "write an unencrypted copy: openssl pkey -in KEY -out KEY.new (then chmod 0600)"))
      return (rows, info)
    }
    if !info.matches(keyInfo) {
      rows.append(
        CertificateCheck(
          id, title, .fail,
          "\(what) key '\(key.path)' (\(keyInfo.algorithm ?? "?")) does not belong to "
            + "'\(cert.path)' (\(info.publicKeyDescription))",
          fix: "use the .key written together with '\(cert.name)' (same base name)"))
      return (rows, info)
    }
    if rows.isEmpty {
      rows.append(
        CertificateCheck(
          id, title, .pass,
          "\(cert.name) (\(info.publicKeyDescription)) and \(key.name) "
            + "(\(keyInfo.format.rawValue)) match"))
    }
    return (rows, info)
  }

  // C4
  static func chain(
    _ leaf: CertificateInfo, file: CheckedFile, to ca: CertificateInfo, caFile: CheckedFile,
    id: String, what: String
  ) -> CertificateCheck {
    let title = "signed by CA"
    if let problem = leaf.chainProblem(to: ca) {
      return CertificateCheck(
        id, title, .fail, "'\(file.name)' does not chain to '\(caFile.path)': \(problem)",
        fix:
          "it belongs to another cluster: issue a \(what) certificate with this cluster's CA "
          + "(`certs \(what == "node" ? "node" : "user NAME") --ca-dir DIR`), or use the "
          + "cluster.crt that issued it")
    }
    if let ou = ca.organizationalUnit, leaf.organizationalUnit != ou {
      return CertificateCheck(
        id, title, .fail,
        "'\(file.name)' is for cluster \(leaf.organizationalUnit ?? "(no OU)"), the CA for "
          + "cluster \(ou)",
        fix: "the certificate was made for a different cluster; issue one with this cluster's CA")
    }
    return CertificateCheck(
      id, title, .pass,
      "'\(file.name)' is signed by '\(ca.commonName ?? ca.subject)'"
        + (ca.organizationalUnit.map { ", same cluster \($0)" } ?? ""))
  }

  // C5
  static func userCertificate(_ info: CertificateInfo, file: CheckedFile) -> [CertificateCheck] {
    let title = "user certificate"
    let cn = info.commonName ?? "(none)"
    let newUser =
      "issue an API user certificate (`certs user NAME`, i.e. `flocker-ca "
      + "create-api-certificate NAME`) and use its .crt and .key"
    switch info.role {
    case .node:
      return [
        CertificateCheck(
          "C5", title, .fail,
          "'\(file.name)' has CN '\(cn)': an agent (node) certificate; the REST API on 4523 "
            + "rejects it", fix: newUser)
      ]
    case .controlService:
      return [
        CertificateCheck(
          "C5", title, .fail,
          "'\(file.name)' has CN 'control-service': the control service's own certificate; the "
            + "REST API accepts only CN 'user-…'", fix: newUser)
      ]
    case .clusterCA, .other:
      return [
        CertificateCheck(
          "C5", title, .fail,
          "'\(file.name)' has CN '\(cn)', which does not start with 'user-'; the REST API "
            + "rejects it", fix: newUser)
      ]
    case .user(let name):
      var rows: [CertificateCheck] = []
      if let eku = info.extendedKeyUsage, !eku.contains("clientAuth"), !eku.contains("anyKeyUsage")
      {
        rows.append(
          CertificateCheck(
            "C5", title, .warn,
            "'\(file.name)' has extendedKeyUsage \(eku.joined(separator: ", ")) without "
              + "clientAuth; OpenSSL servers refuse it for client authentication",
            fix: newUser))
      }
      if file.name != "\(name).crt" {
        rows.append(
          CertificateCheck(
            "C5", title, .warn,
            "'\(file.name)' holds user '\(name)'; flockerctl looks for '\(name).crt' and "
              + "'\(name).key'",
            fix: "copy it to '\(name).crt' and its key to '\(name).key' if flockerctl uses it"))
      }
      if rows.isEmpty {
        let eku = info.extendedKeyUsage.map { ", EKU \($0.joined(separator: ", "))" } ?? ""
        rows.append(CertificateCheck("C5", title, .pass, "CN '\(cn)' (API user \(name))\(eku)"))
      }
      return rows
    }
  }

  // C6
  static func validity(_ items: [(String, CertificateInfo)], now: Date, id: String)
    -> [CertificateCheck]
  {
    let title = "validity"
    var rows: [CertificateCheck] = []
    for (path, info) in items {
      let name = (path as NSString).lastPathComponent
      switch info.validity(at: now) {
      case .expired:
        rows.append(
          CertificateCheck(
            id, title, .fail, "'\(name)' expired on \(date(info.notValidAfter))",
            fix:
              "issue a new one (flocker-ca certificates last 20 years: if it is new, check this "
              + "machine's clock with `date -u`)"))
      case .notYetValid:
        rows.append(
          CertificateCheck(
            id, title, .fail, "'\(name)' is not valid until \(date(info.notValidBefore))",
            fix:
              "this machine's clock is behind the machine that issued it: fix the clock "
              + "(`date -u`, NTP)"))
      case .valid:
        if info.notValidAfter.timeIntervalSince(now) < 30 * 86400 {
          rows.append(
            CertificateCheck(
              id, title, .warn, "'\(name)' expires on \(date(info.notValidAfter))",
              fix: "issue a replacement before then"))
        }
      }
    }
    if rows.isEmpty {
      if items.isEmpty {
        rows.append(CertificateCheck(id, title, .skip, "no certificate could be read"))
      } else {
        let first = items.map(\.1.notValidAfter).min()!
        rows.append(
          CertificateCheck(
            id, title, .pass,
            "\(items.count) certificate\(items.count == 1 ? " is" : "s are") valid; the first "
              + "expires on \(date(first))"))
      }
    }
    return rows
  }

  // C7
  static func connectionValues(_ inputs: CertificateCheckInputs) -> [CertificateCheck] {
    let title = "port and host"
    var rows: [CertificateCheck] = []
    let raw = inputs.port ?? "4523"
    if let port = Int(raw), (1...65535).contains(port) {
      if port == 4524 {
        rows.append(
          CertificateCheck(
            "C7", title, .fail, "port 4524 (\(inputs.portSource)) is the agents' port",
            fix:
              "the REST API listens on 4523: set FLOCKER_CONTROL_SERVICE_PORT=4523 or drop the "
              + "port setting"))
      }
    } else {
      rows.append(
        CertificateCheck(
          "C7", title, .fail, "port '\(raw)' (\(inputs.portSource)) is not a number",
          fix: "give the REST API port, normally 4523"))
    }
    if inputs.host == nil {
      rows.append(
        CertificateCheck(
          "C7", title, .fail, "no control service host is configured",
          fix:
            "set FLOCKER_CONTROL_SERVICE_HOST (or --host) to the name or IP the control "
            + "certificate was made for; without it the kubelet dials 'localhost'"))
    }
    for warning in inputs.configurationWarnings {
      rows.append(
        CertificateCheck(
          "C7", title, .warn, warning,
          fix:
            "remove the empty variable or give it a value: some kubelet versions use an empty "
            + "value as is, others fall back to their default"))
    }
    if rows.isEmpty {
      rows.append(
        CertificateCheck(
          "C7", title, .pass,
          "\(inputs.host ?? ""):\(raw)"
            + (raw == "4523"
              ? " (the REST API port)"
              : " (port configured by \(inputs.portSource); the REST API's default is 4523)")))
    }
    return rows
  }

  // C8 (and L1 on the presented certificate)
  static func controlCertificate(
    _ info: CertificateInfo, source: String, ca: CertificateInfo?, host: String?, id: String
  ) -> [CertificateCheck] {
    let title = "control certificate"
    let name = id == "C8" ? "'\((source as NSString).lastPathComponent)'" : source
    var rows: [CertificateCheck] = []
    let sans = info.subjectAlternativeNames
    let listed = sans.isEmpty ? "no subject alternative names" : sans.joined(separator: ", ")
    if info.commonName != "control-service" {
      rows.append(
        CertificateCheck(
          id, title, .warn,
          "\(name) has CN '\(info.commonName ?? "(none)")', not 'control-service'",
          fix: "use the control-<host>.crt that `flocker-ca create-control-certificate` wrote"))
    }
    if let ca, let problem = info.chainProblem(to: ca) {
      rows.append(
        CertificateCheck(
          id, title, .fail, "\(name) does not chain to the CA: \(problem)",
          fix:
            "the control service and its clients use different CAs: re-issue the control "
            + "certificate with this cluster.crt, or use the cluster.crt the service uses"))
    }
    if let eku = info.extendedKeyUsage, !eku.contains("serverAuth"), !eku.contains("anyKeyUsage") {
      rows.append(
        CertificateCheck(
          id, title, .fail,
          "\(name) has extendedKeyUsage \(eku.joined(separator: ", ")) without serverAuth; Go "
            + "clients refuse it", fix: "re-issue it with `certs control HOST`"))
    }
    if let host {
      let bare = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
      if !info.matchesHost(bare) {
        if bare.lowercased() == "localhost" {
          rows.append(
            CertificateCheck(
              id, title, .fail,
              "host 'localhost' is not in \(name) (\(listed)); 'localhost' is what a kubelet "
                + "dials when it never saw FLOCKER_CONTROL_SERVICE_HOST",
              fix:
                "set FLOCKER_CONTROL_SERVICE_HOST to a name in the certificate, in the kubelet's "
                + "own environment (EnvironmentFile=, see `env export --for kubernetes`)"))
        } else {
          let names = sans.filter { $0.hasPrefix("DNS:") || $0.hasPrefix("IP:") }
            .map { String($0.split(separator: ":", maxSplits: 1)[1]) }
            .filter { $0 != "control-service" }
          rows.append(
            CertificateCheck(
              id, title, .fail,
              "host '\(host)' is not in \(name) (\(listed)); curl, Go and kubelets verify the "
                + "name they dial",
              fix: names.isEmpty
                ? "re-issue it: `certs control \(bare)` (flocker-ca create-control-certificate)"
                : "dial \(names.map { "'\($0)'" }.joined(separator: " or ")) instead, or "
                  + "re-issue it: `certs control \(bare)`"))
        }
      }
    }
    if info.isVersion1WithExtensions {
      rows.append(
        CertificateCheck(
          id, title, .warn,
          "\(name) is X.509 version 1 with extensions (flocker-ca's output): OpenSSL and curl "
            + "read its SAN, but Go ≥ 1.17 ignores it, so kubelets of k8s 1.23/1.24 fail host "
            + "verification",
          fix:
            "re-issue it as version 3 with the same CA: `certs control \(host ?? "HOST") "
            + "--ca-dir DIR`, then restart flocker-control"))
    }
    if rows.isEmpty {
      rows.append(
        CertificateCheck(
          id, title, .pass,
          "\(name) (X.509 v\(info.versionNumber)) names \(listed)"
            + (host.map { "; '\($0)' matches" } ?? "")))
    }
    return rows
  }
}

// `certs check`: the checklist of reference/k8s-flocker.md §7.3 — C1–C8 offline against the
// resolved files, L1–L5 against the live control service — and the agent-node variant.
// Each check is a row: pass, warn, fail (or skip when it does not apply), with the fix spelled out.
import Foundation
import FshPKI
import FshRuntime

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The checks of `certs check`, as pure-ish functions over files and answers.
package enum CertificateChecks {
  static let user: String = {
    if let pw = getpwuid(geteuid()), let name = pw.pointee.pw_name { return String(cString: name) }
    return "uid \(geteuid())"
  }()

  static func date(_ d: Date) -> String { Timestamps.iso(d) }

  // MARK: - Offline: C1–C8

  /// C1–C8 against the files and values in `inputs`.
  package static func offline(_ inputs: CertificateCheckInputs) -> [CertificateCheck] {
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
}

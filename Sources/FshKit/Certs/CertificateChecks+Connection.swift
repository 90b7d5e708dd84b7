// `certs check`: validity (C6) and the checks of what the session dials (C7, C8, the control
// certificate the server presents).
import Foundation
import FshPKI
import FshRuntime

#if canImport(Glibc)
  import Glibc
#endif

extension CertificateChecks {
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

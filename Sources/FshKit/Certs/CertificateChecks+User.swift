// C4 and C5: the chain to the cluster CA and the user certificate's role.
import Foundation
import FshPKI
import FshRuntime

extension CertificateChecks {
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
}

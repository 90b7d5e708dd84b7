// The dialled host against the names in the server certificate: a note when they differ.
import CCurl
import Foundation
import FshPKI

#if canImport(Glibc)
  import Glibc
#endif

extension CurlTransport {
  // MARK: - The dialled host vs the server certificate

  func checkServerNames() {
    guard !sanChecked else { return }
    var info: UnsafeMutablePointer<curl_certinfo>? = nil
    guard ccurl_getinfo_certinfo(easy, &info) == CURLE_OK, let info, info.pointee.num_of_certs > 0,
      let lists = info.pointee.certinfo
    else { return }
    sanChecked = true
    ccurl_setopt_long(easy, CURLOPT_CERTINFO, 0)
    var chain: [String] = []
    for index in 0..<Int(info.pointee.num_of_certs) {
      var node = lists[index]
      while let n = node {
        let entry = String(cString: n.pointee.data)
        if entry.hasPrefix("Cert:") { chain.append(String(entry.dropFirst("Cert:".count))) }
        node = n.pointee.next
      }
    }
    serverCertificates = chain
    if let note = Self.serverNameNote(leafPEM: chain.first, host: settings.host) { addNote(note) }
  }

  /// The note for a server certificate that does not name the dialled host (matched by FshPKI
  /// as Go's `VerifyHostname` does, wildcards included), or nil when it names it.
  static func serverNameNote(leafPEM: String?, host: String) -> String? {
    let leaf = leafPEM.flatMap { try? CertificateInfo.parseAll(pem: $0).first }
    if leaf?.matchesHost(host) == true { return nil }
    let names = leaf?.subjectAlternativeNames ?? []
    let listed = names.isEmpty ? "no subject alternative names" : names.joined(separator: ", ")
    return "the control certificate names \(listed) but not '\(host)'; fsh verifies the name "
      + "'control-service' so it works, but curl, Go clients and kubelets dialling "
      + "'\(host)' will fail hostname verification; dial a host the certificate names, "
      + "or re-issue it with 'flocker-ca create-control-certificate \(host)'"
  }

  func addNote(_ note: String) {
    notes.append(note)
    onNote?(note)
  }
}

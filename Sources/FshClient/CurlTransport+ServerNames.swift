// The dialled host against the names in the server certificate: a note when they differ.
import CCurl
import Foundation
import FshModel
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
    // The leaf's names as OpenSSL printed them: read from that text, not by parsing the
    // certificate again (a full X.509 parse was 6 % of a one-shot `fsh -c version`).
    var leafNames = ""
    let sanLabel = "X509v3 Subject Alternative Name:"
    for index in 0..<Int(info.pointee.num_of_certs) {
      var node = lists[index]
      while let n = node {
        let entry = String(cString: n.pointee.data)
        if entry.hasPrefix("Cert:") { chain.append(String(entry.dropFirst("Cert:".count))) }
        if index == 0, entry.hasPrefix(sanLabel) {
          leafNames = String(entry.dropFirst(sanLabel.count))
        }
        node = n.pointee.next
      }
    }
    serverCertificates = chain
    let names = HostName.parsePrinted(leafNames)
    if let note = Self.serverNameNote(names: names, host: settings.host) { addNote(note) }
  }

  /// The note for a server certificate whose subject alternative names do not name the dialled
  /// host (matched as Go's `VerifyHostname` does, wildcards included), or nil when they do.
  static func serverNameNote(names: [HostName], host: String) -> String? {
    if HostName.matches(names, host: host) { return nil }
    let listed =
      names.isEmpty ? "no subject alternative names" : names.map(\.shown).joined(separator: ", ")
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

// Pieces of the client that need no network: error mapping, quoting, PEM reading, decoding speed.
import Foundation
import FshModel
import FshPKI
import FshTestSupport
import Testing

@testable import FshClient
@testable import FshJSON
@testable import FshKit
@testable import FshLanguage
@testable import FshRuntime

@Suite("Client errors and certificates as fsh words them")
struct ClientWordingTests {
  @Test func certificateSummaryReadsCommonNames() throws {
    let pki = try FlockerTestPKI.files
    func summary(_ path: String) -> CertificateSummary? {
      FileManager.default.contents(atPath: path).flatMap {
        try? CertificateSummary(pem: String(decoding: $0, as: UTF8.self))
      }
    }
    let user = try #require(summary(pki.userCert))
    #expect(user.commonName == "user-admin")
    #expect(user.issuerCommonName == "sandbox")
    #expect(summary(pki.nodeCert)?.commonName?.hasPrefix("node-") == true)
    #expect(summary(pki.userKey) == nil)
    #expect(
      (try? CertificateSummary(pem: "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----"))
        == nil)
    #expect(Session().certificateCommonName(pki.userCert) == "user-admin")
  }

  @Test func shellQuoting() {
    #expect(shellQuote("/etc/flocker/cluster.crt") == "/etc/flocker/cluster.crt")
    #expect(shellQuote("/my certs/a.crt") == "'/my certs/a.crt'")
    #expect(shellQuote("it's") == #"'it'\''s'"#)
    #expect(shellQuote("") == "''")
  }

  @Test func shellAdviceIsFshsNotTheClients() {
    // The client's message names no fsh command; the diagnostic adds the one that helps.
    var lease = ClientError(
      .http, "another node holds it ('POST /v1/configuration/leases', HTTP 409)", status: 409)
    lease.method = "POST"
    lease.path = "/v1/configuration/leases"
    #expect(
      Diagnostic(lease).message
        == "another node holds it ('POST /v1/configuration/leases', HTTP 409); another node "
        + "holds the lease; release it first with 'lease release'")
    var move = ClientError(.http, "dataset not found (…)", status: 404)
    move.method = "DELETE"
    move.path = "/v1/configuration/datasets/abc"
    #expect(
      Diagnostic(move).message
        == "dataset not found (…); no dataset has the id 'abc'; list them with 'datasets'")
    let other = ClientError(.http, "nope", status: 404)
    #expect(Diagnostic(other).message == "nope")
    #expect(
      Diagnostic(ClusterView.LookupError.deleted("x")).notes == [
        "deleted datasets stay in the configuration; `datasets --deleted` lists them"
      ])
  }

  @Test func serverNameNoteUsesTheCertificatesNames() throws {
    // The dialled host is matched against the leaf's SANs as Go does (wildcards included), read
    // from the text OpenSSL prints for them (libcurl's certificate info).
    let printed = HostName.parsePrinted("DNS:control-service, IP Address:10.0.0.5")
    let parsed = try CertificateInfo.parseAll(pem: try CertFixtures.control.certificatePEM).first
    #expect(printed == parsed?.hostNames, "the printed form reads as the parse does")
    #expect(CurlTransport.serverNameNote(names: printed, host: "10.0.0.5") == nil)
    #expect(CurlTransport.serverNameNote(names: printed, host: "CONTROL-SERVICE") == nil)
    let note = CurlTransport.serverNameNote(names: printed, host: "10.0.0.6")
    #expect(
      note?.hasPrefix(
        "the control certificate names DNS:control-service, IP:10.0.0.5 but not '10.0.0.6'")
        == true)
    let wild = HostName.parsePrinted("DNS:*.example.com")
    #expect(CurlTransport.serverNameNote(names: wild, host: "ctl.EXAMPLE.com") == nil)
    #expect(CurlTransport.serverNameNote(names: wild, host: "a.ctl.example.com") != nil)
    // OpenSSL writes IPv6 as eight full groups; other kinds never match a host.
    let six = HostName.parsePrinted("IP Address:0:0:0:0:0:0:0:1, email:ops@example.com, URI:h")
    #expect(CurlTransport.serverNameNote(names: six, host: "[::1]") == nil)
    #expect(six.map(\.shown) == ["IP:::1", "email:ops@example.com", "URI:h"])
    #expect(CurlTransport.serverNameNote(names: six, host: "h") != nil)
    #expect(
      CurlTransport.serverNameNote(names: HostName.parsePrinted(""), host: "h")?.hasPrefix(
        "the control certificate names no subject alternative names but not 'h'") == true)
  }
}

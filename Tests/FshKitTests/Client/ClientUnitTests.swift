// Pieces of the client that need no network: error mapping, quoting, PEM reading, decoding speed.
import Foundation
import FshPKI
import Testing

@testable import FshClient
@testable import FshJSON
@testable import FshKit
@testable import FshLanguage

/// An in-process transport answering from a closure (what the sandbox may also provide).
final class CannedTransport: ControlTransport {
  var answer: (HTTPRequest) throws -> HTTPResponse
  init(_ answer: @escaping (HTTPRequest) throws -> HTTPResponse) { self.answer = answer }
  func perform(_ request: HTTPRequest) throws -> HTTPResponse { try answer(request) }
  func cancel() {}
}

@Suite("Client: units")
struct ClientUnitTests {
  @Test func certificateSummaryReadsCommonNames() throws {
    let pki = try TestPKI.shared
    func summary(_ path: String) -> CertificateSummary? {
      FileManager.default.contents(atPath: path).flatMap {
        try? CertificateSummary(pem: String(decoding: $0, as: UTF8.self))
      }
    }
    let user = try #require(summary(pki.userCert))
    #expect(user.commonName == "user-alice")
    #expect(user.issuerCommonName == "cluster-test")
    #expect(summary(pki.nodeCert)?.commonName?.hasPrefix("node-") == true)
    #expect(summary(pki.userKey) == nil)
    #expect(
      (try? CertificateSummary(pem: "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----"))
        == nil)
    #expect(Session().certificateCommonName(pki.userCert) == "user-alice")
  }

  @Test func shellQuoting() {
    #expect(shellQuote("/etc/flocker/cluster.crt") == "/etc/flocker/cluster.crt")
    #expect(shellQuote("/my certs/a.crt") == "'/my certs/a.crt'")
    #expect(shellQuote("it's") == #"'it'\''s'"#)
    #expect(shellQuote("") == "''")
  }

  @Test func settingsURLs() {
    let s = TLSSettings(host: "::1", port: 4523, caFile: "c", certFile: "u", keyFile: "k")
    #expect(s.connectTo == "control-service:4523:[::1]:4523")
    #expect(s.url(for: "/v1/version") == "https://control-service:4523/v1/version")
    #expect(s.hostPort == "[::1]:4523")
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

  @Test func statusMapping() throws {
    var next = HTTPResponse(status: 500, body: Array("Internal".utf8))
    let client = FlockerClient(transport: CannedTransport { _ in next })
    let e500 = #expect(throws: ClientError.self) { try client.version() }
    #expect(e500?.code == .serverError)
    #expect(
      e500?.message.hasPrefix("the control service failed on 'GET /v1/version', HTTP 500") == true)

    next = HTTPResponse(status: 302, body: [])
    #expect(throws: ClientError.self) { try client.version() }

    next = HTTPResponse(status: 204, body: [])
    let e204 = #expect(throws: ClientError.self) { try client.version() }
    #expect(e204?.code == .badResponse)

    next = HTTPResponse(status: 200, body: [])
    let empty = #expect(throws: ClientError.self) { try client.version() }
    #expect(empty?.message.contains("is empty") == true)

    next = HTTPResponse(
      status: 400,
      body: Array(
        #"{"description": "The request body could not be decoded according to the value of the\nContent-Type header."}"#
          .utf8))
    let e400 = #expect(throws: ClientError.self) { try client.version() }
    #expect(
      e400?.message.hasPrefix(
        "the request body could not be decoded according to the value of the Content-Type header ('GET /v1/version', HTTP 400)"
      ) == true)

    #expect(sentence("X-Thing is bad.") == "X-Thing is bad")
    #expect(sentence("Lease not found.") == "lease not found")
  }

  @Test func idsAreCheckedAndLowerCased() throws {
    var seen: [String] = []
    let client = FlockerClient(
      transport: CannedTransport { r in
        seen.append(r.path)
        return HTTPResponse(
          status: 200, body: Array(#"{"dataset_id":"a","node_uuid":"b","expires":null}"#.utf8))
      })
    _ = try client.releaseLease(datasetID: "ABC-DEF")
    #expect(seen == ["/v1/configuration/leases/abc-def"])
    let e = #expect(throws: ClientError.self) { try client.releaseLease(datasetID: "../x") }
    #expect(e?.code == .invalidRequest)
  }

  @Test func decodes100000Datasets() throws {
    var json = "["
    for i in 0..<100_000 {
      if i > 0 { json += "," }
      json +=
        #"{"dataset_id": "\#(String(format: "%08x", i))-1d2e-4f3a-8b4c-5d6e7f8a9b0c", "primary": "0e6c5f0a-2b7e-4e3c-9c1b-5f4c2a8d7e61", "deleted": false, "metadata": {"name": "volume-\#(i)"}, "maximum_size": 107374182400}"#
    }
    json += "]"
    let body = Array(json.utf8)
    let client = FlockerClient(
      transport: CannedTransport { _ in
        HTTPResponse(status: 200, headers: [("X-Configuration-Tag", "t")], body: body)
      })
    // Correctness only; how fast is scripts/bench's "decode_100k".
    let (datasets, tag) = try client.configurationDatasets()
    #expect(datasets.count == 100_000)
    #expect(datasets[99_999].name == "volume-99999")
    #expect(tag == "t")
  }
}

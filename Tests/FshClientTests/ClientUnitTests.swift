// Pieces of the client that need no network: error mapping, quoting, PEM reading, decoding speed.
import Foundation
import FshModel
import FshPKI
import Testing

@testable import FshClient
@testable import FshJSON

/// An in-process transport answering from a closure (what the sandbox may also provide).
final class CannedTransport: ControlTransport {
  var answer: (HTTPRequest) throws -> HTTPResponse
  init(_ answer: @escaping (HTTPRequest) throws -> HTTPResponse) { self.answer = answer }
  func perform(_ request: HTTPRequest) throws -> HTTPResponse { try answer(request) }
  func cancel() {}
}

@Suite("Client: units")
struct ClientUnitTests {

  @Test func settingsURLs() {
    let s = TLSSettings(host: "::1", port: 4523, caFile: "c", certFile: "u", keyFile: "k")
    #expect(s.connectTo == "control-service:4523:[::1]:4523")
    #expect(s.url(for: "/v1/version") == "https://control-service:4523/v1/version")
    #expect(s.hostPort == "[::1]:4523")
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

/// The fast reader's keys: each known key and nothing else, whatever byte differs.
@Suite struct ElementKeyTests {
  func key(_ s: String) -> ElementKey? {
    Array(s.utf8).withUnsafeBufferPointer { ElementKey($0) }
  }

  @Test func theKnownKeysAndOnlyThem() {
    let known: [(String, ElementKey)] = [
      ("dataset_id", .datasetID), ("primary", .primary), ("deleted", .deleted),
      ("metadata", .metadata), ("maximum_size", .maximumSize), ("path", .path), ("name", .name),
    ]
    for (text, k) in known {
      #expect(key(text) == k, "\(text)")
      // Every single byte changed, and the key one byte longer or shorter, is another key.
      var bytes = Array(text.utf8)
      for i in bytes.indices {
        let was = bytes[i]
        bytes[i] = was ^ 0x20
        #expect(key(String(decoding: bytes, as: UTF8.self)) == nil, "\(text) byte \(i)")
        bytes[i] = was
      }
      #expect(key(text + "x") == nil && key(String(text.dropLast())) == nil, "\(text)")
    }
    #expect(key("") == nil && key("abc") == nil && key("maximum_sizes") == nil)
  }
}

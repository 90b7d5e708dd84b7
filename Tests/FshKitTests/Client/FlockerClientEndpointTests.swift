// Every v1 endpoint (1–11) over real mutual TLS against the sandbox control service.
import Foundation
import FshModel
import FshPKI
import FshSandbox
import FshTestSupport
import Testing

@testable import FshClient
@testable import FshJSON
@testable import FshKit
@testable import FshLanguage
@testable import FshRuntime

@Suite("Client: endpoints", .blocking)
struct FlockerClientEndpointTests {
  @Test func versionAndConnectionReuse() throws {
    let server = try SandboxPeer()
    let transport = try server.settings().transport()
    let client = FlockerClient(transport: transport)
    #expect(try client.version() == VersionInfo(flocker: "1.15.0"))
    #expect(transport.lastInfo.newConnections == 1)
    #expect(try client.version().flocker == "1.15.0")
    #expect(transport.lastInfo.newConnections == 0, "the second request reuses the connection")
    #expect(transport.lastInfo.tlsTime == 0)
    #expect(transport.notes.isEmpty, "127.0.0.1 is in the control certificate's SAN")
  }

  @Test func datasetLifecycle() throws {
    let server = try SandboxPeer()
    let client = try server.settings().client()
    let (empty, tag0) = try client.configurationDatasets()
    #expect(empty.isEmpty)
    let tag = try #require(tag0)
    #expect(!tag.isEmpty)

    let id = "5C3E1B7A-1D2E-4F3A-8B4C-5D6E7F8A9B0C"
    let created = try client.createDataset(
      primary: server.nodeA, datasetID: id, maximumSize: 1 << 30, metadata: ["name": "db"],
      ifConfigurationMatches: tag)
    #expect(created.datasetID == id.lowercased())
    #expect(created.primary == server.nodeA)
    #expect(created.maximumSize == 1 << 30)
    #expect(created.name == "db")
    #expect(created.deleted == false)
    let sent = String(decoding: try #require(client.lastRequest?.body), as: UTF8.self)
    #expect(!sent.contains("deleted"), "never send deleted on create (the server answers 500)")
    #expect(sent.contains("\"maximum_size\":1073741824"))
    #expect(
      client.lastRequest?.headers.contains { $0 == ("X-If-Configuration-Matches", tag) } == true)

    let noSize = try client.createDataset(primary: server.nodeB)
    #expect(noSize.maximumSize == nil)
    #expect(!String(decoding: client.lastRequest!.body!, as: UTF8.self).contains("maximum_size"))

    let (list, tag1) = try client.configurationDatasets()
    #expect(Set(list.map(\.datasetID)) == [created.datasetID, noSize.datasetID])
    #expect(tag1 != tag)

    // Convergence is asynchronous: wait until the state shows the dataset attached.
    let s = try #require(
      try server.eventually {
        try client.stateDatasets().first { $0.datasetID == created.datasetID && $0.path != nil }
      })
    #expect(s.primary == server.nodeA)
    #expect(s.path == "/flocker/\(created.datasetID)")
    #expect(s.maximumSize == 1 << 30)

    let moved = try client.moveDataset(id, to: server.nodeB.uppercased())
    #expect(moved.primary == server.nodeB)
    #expect(client.lastRequest?.path == "/v1/configuration/datasets/\(id.lowercased())")

    let deleted = try client.deleteDataset(id)
    #expect(deleted.deleted)
    #expect(try client.deleteDataset(id).deleted, "delete is idempotent")
    #expect(try client.configurationDatasets().datasets.contains { $0.deleted })
  }

  @Test func nodesAndEra() throws {
    let server = try SandboxPeer()
    let client = try server.settings().client()
    let nodes = try client.nodes()
    #expect(nodes.map(\.uuid).sorted() == server.sandbox.nodes.map(\.uuid).sorted())
    #expect(nodes.contains(Node(uuid: server.nodeA, host: server.sandbox.nodes[0].host)))
    #expect(try client.nodeUUID(forEra: server.eraA.uppercased()) == server.nodeA)
    #expect(try client.nodeUUID(forEra: "1b2c3d4e-5f60-4172-8394-a5b6c7d8e9f0") == nil)
  }

  @Test func leases() throws {
    let server = try SandboxPeer()
    let client = try server.settings().client()
    let ds = "5c3e1b7a-1d2e-4f3a-8b4c-5d6e7f8a9b0c"
    #expect(try client.leases().isEmpty)
    let (lease, renewed) = try client.acquireLease(
      datasetID: ds, nodeUUID: server.nodeA, expires: nil)
    #expect(!renewed)
    #expect(lease == Lease(datasetID: ds, nodeUUID: server.nodeA, expires: nil))
    let body = String(decoding: client.lastRequest!.body!, as: UTF8.self)
    #expect(body.contains("\"expires\":null"), "expires is required: null is sent explicitly")

    let (again, renewed2) = try client.acquireLease(
      datasetID: ds, nodeUUID: server.nodeA, expires: 60)
    #expect(renewed2)
    #expect(again.expires == 60)
    let listed = try client.leases()
    #expect(listed.count == 1)
    #expect((listed[0].expires ?? 0) > 50)

    let e = #expect(throws: ClientError.self) {
      try client.acquireLease(datasetID: ds, nodeUUID: server.nodeB, expires: nil)
    }
    #expect(e?.code == .http)
    #expect(e?.status == 409)
    #expect(e?.description == "Lease already held.")
    #expect(e?.message.hasPrefix("lease already held") == true)

    let released = try client.releaseLease(datasetID: ds.uppercased())
    #expect(released.nodeUUID == server.nodeA)
    let gone = #expect(throws: ClientError.self) { try client.releaseLease(datasetID: ds) }
    #expect(gone?.status == 404)
    #expect(gone?.message.contains("no lease is held") == true)
  }

  @Test func rawRequest() throws {
    // `send` (what the `api` command uses): any request, any answer returned as it is.
    let server = try SandboxPeer()
    let client = try server.settings().client()
    let r = try client.send(HTTPRequest(method: "GET", path: "/v1/version"))
    #expect(r.status == 200)
    #expect(try JSON.decode(r.body)["flocker"] == .string("1.15.0"))
    #expect(try client.send(HTTPRequest(method: "GET", path: "/v1/state/nodes")).status == 200)
    #expect(client.lastRequest?.path == "/v1/state/nodes")

    let schema = #expect(throws: ClientError.self) {
      let request = HTTPRequest(
        method: "POST", path: "/v1/configuration/datasets",
        headers: [("Content-Type", "application/json")], body: Array(#"{"junk": 1}"#.utf8))
      let response = try client.send(request)
      throw FlockerClient.httpError(response, request: request, hints: [:])
    }
    #expect(schema?.code == .http)
    #expect(schema?.status == 400)
    #expect(schema?.errors.isEmpty == false)
    #expect(schema?.message.contains("doesn't match the required schema") == true)

    let noThrow = try client.send(HTTPRequest(method: "GET", path: "/v1/nothing"))
    #expect(noThrow.status == 404)
  }

  @Test func curlCommandLine() throws {
    let server = try SandboxPeer()
    let s = server.settings()
    let client = try s.client()
    #expect(client.curlCommandLine(settings: s.settings) == nil)
    _ = try client.createDataset(primary: server.nodeA, metadata: ["name": "it's"])
    let line = try #require(client.curlCommandLine(settings: s.settings))
    let p = server.port
    #expect(
      line.hasPrefix(
        "curl --cacert \(s.settings.caFile) --cert \(s.settings.certFile) --key "
          + "\(s.settings.keyFile) --connect-to control-service:\(p):127.0.0.1:\(p) "
          + "https://control-service:\(p)/v1/configuration/datasets -X POST "
          + "-H 'Content-Type: application/json' -d '"))
    #expect(line.contains(#"it'\''s"#), "single quotes are shell-escaped")
    #expect(!line.contains("PRIVATE KEY"))

    // The printed command really works (run it through sh with the real curl).
    _ = try RequiredTool.curl()
    _ = try client.version()
    let get = try #require(client.curlCommandLine(settings: s.settings))
    let (status, out, err) = try runProgram("/bin/sh", ["-c", get + " -sS"])
    #expect(status == 0, "\(err)")
    #expect(out.contains("1.15.0"))
  }

  @Test func verboseTrace() throws {
    let server = try SandboxPeer()
    let lines = LockedLines()
    let transport = try server.settings().transport(trace: lines.append)
    _ = try FlockerClient(transport: transport).version()
    let all = lines.all
    #expect(all.contains("> GET /v1/version HTTP/1.1"))
    #expect(all.contains { $0.hasPrefix("< HTTP/1.1 200") })
    #expect(all.contains { $0.hasPrefix("* ") })
    #expect(!all.contains { $0.contains("PRIVATE KEY") || $0.contains("flocker\":") })
    transport.trace = nil
    _ = try FlockerClient(transport: transport).version()
    #expect(lines.all.count == all.count, "tracing can be switched off")
  }

  @Test func hostNotInCertificateIsNoted() throws {
    let server = try SandboxPeer()
    let notes = LockedLines()
    let transport = try server.settings(host: "localhost").transport()
    transport.onNote = notes.append
    #expect(try FlockerClient(transport: transport).version().flocker == "1.15.0")
    #expect(transport.notes.count == 1)
    #expect(transport.notes.first?.contains("but not 'localhost'") == true)
    #expect(transport.notes.first?.contains("DNS:control-service, IP:127.0.0.1") == true)
    _ = try FlockerClient(transport: transport).version()
    #expect(notes.all.count == 1, "the note is made once")
    // Dialling an address the certificate names makes no note.
    let named = try server.settings(host: "127.0.0.1").transport()
    #expect(try FlockerClient(transport: named).version().flocker == "1.15.0")
    #expect(named.notes.isEmpty)
    #expect(named.serverCertificates.first?.contains("BEGIN CERTIFICATE") == true)
  }
}

final class LockedLines: @unchecked Sendable {
  private let lock = NSLock()
  private var lines: [String] = []
  func append(_ s: String) { lock.withLock { lines.append(s) } }
  var all: [String] { lock.withLock { lines } }
}

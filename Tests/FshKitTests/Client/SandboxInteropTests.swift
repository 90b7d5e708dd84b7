// The client against the real peer: the sandbox control service (NIO, mutual TLS, flocker-ca certs).
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

/// A started sandbox in a fresh temporary directory (2048-bit keys, fast convergence).
final class RunningSandbox: @unchecked Sendable {
  let sandbox: Sandbox
  let directory: String

  init(faults: SandboxFaults = SandboxFaults()) throws {
    directory =
      FileManager.default.temporaryDirectory.appendingPathComponent(
        "fsh-client-sandbox-\(UUID().uuidString.prefix(8))"
      ).path
    try FlockerTestPKI.fillSandboxDirectory(directory)
    var options = SandboxOptions(directory: directory)
    options.keyBits = 2048
    options.convergenceDelay = 0.05
    options.faults = faults
    options.persist = false
    sandbox = try Sandbox(options: options)
    try sandbox.start()
  }

  deinit {
    sandbox.stop()
    try? FileManager.default.removeItem(atPath: directory)
  }

  func settings(
    cert: String? = nil, key: String? = nil, requestTimeout: Double = 30, retries: Int = 2
  ) -> TLSSettings {
    TLSSettings(
      host: "127.0.0.1", port: sandbox.port, caFile: sandbox.caCertificatePath,
      certFile: cert ?? sandbox.userCertificatePath, keyFile: key ?? sandbox.userKeyPath,
      requestTimeout: requestTimeout, retries: retries, retryBackoff: 0.05)
  }

  func client() throws -> (FlockerClient, CurlTransport) {
    let t = try CurlTransport(settings: settings())
    return (FlockerClient(transport: t), t)
  }
}

@Suite("Client: against the sandbox", .blocking)
struct SandboxInteropTests {
  @Test func everyEndpoint() throws {
    let s = try RunningSandbox()
    let (client, transport) = try s.client()
    #expect(try client.version().flocker.isEmpty == false)
    let first = transport.lastInfo
    #expect(first.newConnections == 1)
    let nodes = try client.nodes()
    #expect(transport.lastInfo.newConnections == 0, "the connection is reused")
    #expect(Set(nodes.map(\.uuid)) == Set(s.sandbox.nodes.map(\.uuid)))
    let node = try #require(s.sandbox.nodes.first)
    #expect(try client.nodeUUID(forEra: node.era) == node.uuid)
    #expect(try client.nodeUUID(forEra: "1b2c3d4e-5f60-4172-8394-a5b6c7d8e9f0") == nil)

    let (_, tag) = try client.configurationDatasets()
    let ds = try client.createDataset(
      primary: node.uuid, maximumSize: 1 << 30, metadata: ["name": "db"],
      ifConfigurationMatches: tag)
    #expect(ds.name == "db")
    let e412 = #expect(throws: ClientError.self) {
      try client.createDataset(primary: node.uuid, ifConfigurationMatches: tag)
    }
    #expect(e412?.code == .precondition)

    var attached: DatasetState?
    for _ in 0..<100 where attached == nil {
      attached = try client.stateDatasets().first { $0.datasetID == ds.datasetID && $0.path != nil }
      if attached == nil { usleep(20_000) }
    }
    #expect(attached?.primary == node.uuid)

    let other = s.sandbox.nodes[1].uuid
    #expect(try client.moveDataset(ds.datasetID, to: other).primary == other)
    let (lease, renewed) = try client.acquireLease(
      datasetID: ds.datasetID, nodeUUID: other, expires: 60)
    #expect(!renewed && lease.nodeUUID == other)
    #expect(try client.acquireLease(datasetID: ds.datasetID, nodeUUID: other, expires: 60).renewed)
    #expect(try client.leases().map(\.datasetID) == [ds.datasetID])
    let held = #expect(throws: ClientError.self) {
      try client.acquireLease(datasetID: ds.datasetID, nodeUUID: node.uuid, expires: nil)
    }
    #expect(held?.status == 409)
    #expect(try client.releaseLease(datasetID: ds.datasetID).nodeUUID == other)
    #expect(try client.deleteDataset(ds.datasetID).deleted)
    let e405 = #expect(throws: ClientError.self) {
      try client.moveDataset(ds.datasetID, to: node.uuid)
    }
    #expect(e405?.status == 405)
    let e404 = #expect(throws: ClientError.self) {
      try client.sendChecked(method: "GET", path: "/v1/nothing-here")
    }
    #expect(e404?.status == 404)
  }

  @Test func nodeCertificateIsRefused() throws {
    let s = try RunningSandbox()
    let dir = s.directory
    let node = try FlockerTestPKI.shared.node  // of the cluster.crt the directory holds
    try node.certificatePEM.write(toFile: dir + "/n.crt", atomically: true, encoding: .utf8)
    try node.privateKeyPEM.write(toFile: dir + "/n.key", atomically: true, encoding: .utf8)
    let client = FlockerClient(
      transport: try CurlTransport(settings: s.settings(cert: dir + "/n.crt", key: dir + "/n.key")))
    let e = #expect(throws: ClientError.self) { try client.version() }
    #expect(e?.code == .tlsNodeCertificate, "\(e?.message ?? "") [\(e?.detail ?? "")]")
  }

  @Test func bareStringFailureAndDroppedGetRetry() throws {
    let s = try RunningSandbox()
    let (client, _) = try s.client()
    s.sandbox.faults = SandboxFaults(failEvery: 1)
    let e = #expect(throws: ClientError.self) { try client.version() }
    #expect(e?.code == .serverError)
    #expect(e?.message.contains("(incident '") == true)
    s.sandbox.faults = SandboxFaults(dropEvery: 2)
    // Every second request is dropped without an answer. Each GET goes out on a transport of
    // its own, so a dropped one died on a new connection, which libcurl never sends again:
    // only fsh's retry answers it. Of four such GETs, at least three land on an even request.
    var infos: [TransferInfo] = []
    for _ in 0..<4 {
      let (fresh, freshTransport) = try s.client()
      #expect(try fresh.nodes().isEmpty == false)
      infos.append(freshTransport.lastInfo)
    }
    #expect(infos.filter { $0.attempts == 2 }.count >= 3, "\(infos)")
    #expect(infos.allSatisfy { (1...2).contains($0.attempts) }, "\(infos)")
  }

  @Test func cancelDuringLatency() throws {
    let s = try RunningSandbox()
    let (client, transport) = try s.client()
    _ = try client.version()
    // Hang guard 5 s; the sandbox is ten times slower.
    let hangGuard = 5.0
    s.sandbox.faults = SandboxFaults(latency: hangGuard * 10)
    cancelOnceReceived(transport, by: s.sandbox)
    let start = Date()
    let e = #expect(throws: ClientError.self) { try client.nodes() }
    #expect(e?.code == .cancelled)
    #expect(Date().timeIntervalSince(start) < hangGuard, "hang guard: the cancel did not abort")
    s.sandbox.faults = SandboxFaults()
    #expect(try client.version().flocker.isEmpty == false)
  }
}

/// The sandbox as the client's peer over mutual TLS, with the helpers the client tests use
/// (two node ids, an era, settings to vary): the real component, in place of the python
/// stand-in, for everything the sandbox can produce.
final class SandboxPeer: @unchecked Sendable {
  let running: RunningSandbox
  init(faults: SandboxFaults = SandboxFaults()) throws {
    running = try RunningSandbox(faults: faults)
  }
  var sandbox: Sandbox { running.sandbox }
  var port: Int { sandbox.port }
  var nodeA: String { sandbox.nodes[0].uuid }
  var nodeB: String { sandbox.nodes[1].uuid }
  var eraA: String { sandbox.nodes[0].era }
  var caFile: String { sandbox.caCertificatePath }
  var userCert: String { sandbox.userCertificatePath }
  var userKey: String { sandbox.userKeyPath }

  func settings(
    host: String = "127.0.0.1", ca: String? = nil, cert: String? = nil, key: String? = nil,
    port: Int? = nil, connectTimeout: Double = 5, requestTimeout: Double = 30, retries: Int = 2
  ) -> TLSSettingsBox {
    TLSSettingsBox(
      host: host, port: port ?? self.port, caFile: ca ?? caFile, certFile: cert ?? userCert,
      keyFile: key ?? userKey, connectTimeout: connectTimeout, requestTimeout: requestTimeout,
      retries: retries)
  }

  /// Polls until `body` returns a value (convergence is asynchronous); a hang guard of 30 s.
  func eventually<T>(_ body: () throws -> T?) throws -> T? {
    let hangGuard = Date().addingTimeInterval(30)
    while Date() < hangGuard {
      if let v = try body() { return v }
      usleep(20_000)
    }
    return nil
  }

  /// A certificate pair from a CA the sandbox does not trust, and a node certificate from its
  /// own CA (which it refuses for the API): written next to the sandbox's files.
  func foreignUser() throws -> (cert: String, key: String, caFile: String) {
    let (other, user) = try (FlockerTestPKI.shared.strangerCA, FlockerTestPKI.shared.strangerUser)
    let dir = running.directory
    try user.certificatePEM.write(toFile: dir + "/rogue.crt", atomically: true, encoding: .utf8)
    try user.privateKeyPEM.write(toFile: dir + "/rogue.key", atomically: true, encoding: .utf8)
    try other.certificatePEM.write(toFile: dir + "/other-ca.crt", atomically: true, encoding: .utf8)
    return (dir + "/rogue.crt", dir + "/rogue.key", dir + "/other-ca.crt")
  }

  func nodeCredential() throws -> (cert: String, key: String) {
    let dir = running.directory
    let node = try FlockerTestPKI.shared.node  // of the cluster.crt the directory holds
    try node.certificatePEM.write(toFile: dir + "/n.crt", atomically: true, encoding: .utf8)
    try node.privateKeyPEM.write(toFile: dir + "/n.key", atomically: true, encoding: .utf8)
    return (dir + "/n.crt", dir + "/n.key")
  }
}

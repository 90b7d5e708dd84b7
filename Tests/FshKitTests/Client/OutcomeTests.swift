// Outcomes as they are under faults: reads retried on 5xx, a mutation never sent twice by the
// transport, and a create that recognises its own dataset when its answer was lost.
import Foundation
import FshModel
import FshPKI
import FshSandbox
import FshTestSupport
import Testing

@testable import FshClient
@testable import FshKit
@testable import FshRuntime

@Suite("Client: outcomes under faults", .blocking)
struct OutcomeTests {
  @Test func aReadIsRetriedOnAServerError() throws {
    let s = try RunningSandbox()
    let (client, transport) = try s.client()
    _ = try client.version()
    // Every second request fails with a 500: each read still succeeds, on its second attempt.
    s.sandbox.faults = SandboxFaults(failEvery: 2)
    var attempts: [Int] = []
    for _ in 0..<4 {
      #expect(try client.nodes().isEmpty == false)
      attempts.append(transport.lastInfo.attempts)
    }
    #expect(attempts.contains(2), "no read was retried: \(attempts)")
    // Five attempts at most: a service that always fails is reported as failing.
    s.sandbox.faults = SandboxFaults(failEvery: 1)
    let e = #expect(throws: ClientError.self) { try client.nodes() }
    #expect(e?.code == .serverError)
    #expect(transport.lastInfo.attempts == 3, "retries: 2 in these settings")
  }

  @Test func aPostIsNeverSentTwiceByTheTransport() throws {
    let s = try RunningSandbox()
    let (client, transport) = try s.client()
    let nodes = try client.nodes()  // the connection now exists and is reused by the POST
    s.sandbox.faults = SandboxFaults(dropEvery: 1)
    let e = #expect(throws: ClientError.self) {
      try client.createDataset(primary: nodes[0].uuid, maximumSize: 1 << 30, metadata: [:])
    }
    #expect(e?.code == .connectionDropped)
    #expect(transport.resendRefused, "libcurl sent the POST again on a fresh connection")
    #expect(e?.message.contains("so it was not sent again") == true, "\(e?.message ?? "")")
    s.sandbox.faults = SandboxFaults()
    #expect(try client.configurationDatasets().datasets.isEmpty)
  }

  /// Creates through fsh against a service that drops or fails requests: every create that
  /// reports success made exactly one dataset, and none is reported as "already exists".
  @Test func createRecognisesItsOwnDataset() throws {
    let s = try RunningSandbox()
    let session = Session(environment: TestSandbox.environment(s.sandbox), host: TextHost())
    #expect(session.run("nodes", name: "test").status == 0)
    // Periods prime to each other and to a create's four requests, so no request always fails.
    s.sandbox.faults = SandboxFaults(failEvery: 5, dropEvery: 7)
    for n in 0..<12 {
      let outcome = session.run("create own-\(n) 1G on 10.0.0.1", name: "test")
      #expect(outcome.status == 0, "own-\(n): \(outcome.stoppedBy.map { "\($0)" } ?? "")")
    }
    s.sandbox.faults = SandboxFaults()
    let names = try s.client().0.configurationDatasets().datasets.compactMap(\.name)
    for name in Set(names) {
      #expect(names.filter { $0 == name }.count == 1, "\(name) was made twice")
    }
    #expect(names.count == 12, "\(names.sorted())")
  }

  /// An expired client certificate signed by the cluster's own CA is named as expired, never
  /// blamed on the CA file, by the transport and by `certs check --live` alike.
  @Test func anExpiredClientCertificateIsNamedAsExpired() throws {
    let s = try RunningSandbox()
    let dir = s.sandbox.certificatesDirectory
    func read(_ name: String) throws -> String {
      try String(contentsOfFile: dir + "/" + name, encoding: .utf8)
    }
    var ca = try FlockerCA.load(certificatePEM: read("cluster.crt"), keyPEM: read("cluster.key"))
    ca.validity = DateInterval(start: Date() - 30 * 86400, end: Date() - 86400)
    let old = try ca.issueUser(name: "old", keyBits: 2048)
    try old.certificatePEM.write(toFile: dir + "/old.crt", atomically: true, encoding: .utf8)
    try old.privateKeyPEM.write(toFile: dir + "/old.key", atomically: true, encoding: .utf8)
    let transport = try CurlTransport(
      settings: s.settings(cert: dir + "/old.crt", key: dir + "/old.key"))
    let e = #expect(throws: ClientError.self) { try FlockerClient(transport: transport).version() }
    #expect(e?.code == .expired, "\(e?.message ?? "")")
    #expect(e?.message.contains("'\(dir)/old.crt' expired on") == true, "\(e?.message ?? "")")
    #expect(e?.message.contains("does not trust") == false)

    var env = TestSandbox.environment(s.sandbox)
    env.flags[.user] = "old"
    let host = TextHost()
    let session = Session(environment: env, host: host)
    let outcome = session.run("certs check --live", name: "test")
    #expect(outcome.status == 1)
    #expect(!host.output.contains("does not trust"), "\(host.output)")
    #expect(host.output.contains("expired on"), "\(host.output)")
  }
}

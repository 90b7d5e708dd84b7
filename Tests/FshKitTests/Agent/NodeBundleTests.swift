import Foundation
import FshPKI
import FshSandbox
import FshTestSupport
import Testing

@testable import FshKit
@testable import FshRuntime

/// `node bundle` against the sandbox's CA: distinct node identities the cluster accepts, the
/// /etc/flocker layout and modes, and refusals.
@Suite(.blocking) struct NodeBundleTests {
  /// A copy of the sandbox's CA in a fresh folder (so each test has its own registry), and a
  /// session on the sandbox whose host is a name the agent accepts.
  static func setUp() throws -> (session: Session, host: AskingHost, caDir: String, work: String) {
    let sandbox = try TestSandbox.shared
    let work = AgentTestSupport.temporaryDirectory()
    let caDir = work + "/ca"
    try FileManager.default.createDirectory(atPath: caDir, withIntermediateDirectories: false)
    for f in ["cluster.crt", "cluster.key"] {
      try FileManager.default.copyItem(
        atPath: sandbox.certificatesDirectory + "/" + f, toPath: caDir + "/" + f)
    }
    var env = try TestSandbox.environment()
    env.workingDirectory = work
    env.flags[.host] = "control.example.com"
    let host = AskingHost(answers: nil)
    return (Session(environment: env, host: host), host, caDir, work)
  }

  static let openstack =
    "--backend openstack region RegionOne auth_url https://keystone.example:5000/v3 "
    + "username u password p"

  func bundle(_ s: Session, _ line: String) -> Outcome {
    s.run("node bundle \(line) --key-bits 2048", name: "<test>")
  }

  @Test func aBundleIsADistinctNodeOfTheSandboxCluster() throws {
    let (session, host, caDir, work) = try Self.setUp()
    let a = bundle(session, "node-a \(Self.openstack) --out node-a --ca-dir \(caDir)")
    let b = bundle(session, "node-b \(Self.openstack) --out node-b --ca-dir \(caDir)")
    #expect(
      a.stoppedBy == nil && b.stoppedBy == nil, "\(String(describing: a.stoppedBy ?? b.stoppedBy))")
    let sandbox = try TestSandbox.shared
    let validator = try FlockerPeerValidator(
      caCertificatePEM: try String(contentsOfFile: sandbox.caCertificatePath, encoding: .utf8))
    var uuids: [String] = []
    for name in ["node-a", "node-b"] {
      let pem = try String(contentsOfFile: "\(work)/\(name)/node.crt", encoding: .utf8)
      let der = try Self.der(pem)
      // The agent port's rule: issued by the cluster CA, CN node-…; the REST API refuses it.
      let cn = try validator.validate(leafDER: der, commonNamePrefix: "node-")
      #expect(throws: PeerValidationError.self) {
        try validator.validate(leafDER: der, commonNamePrefix: "user-")
      }
      let summary = try CertificateSummary(pem: pem)
      #expect(summary.organizationalUnit == sandbox.clusterUUID)
      uuids.append(String(cn.dropFirst("node-".count)))
    }
    #expect(Set(uuids).count == 2, "two bundles share a node UUID")
    #expect(Set(uuids).isDisjoint(with: sandbox.nodes.map(\.uuid)))
    // The command's value names the node.
    #expect(host.results.count == 2)
    #expect(host.results[0].value["node_uuid"]?.text == uuids[0])
    // The registry holds both, once.
    let registry = try String(contentsOfFile: caDir + "/fsh-nodes.yml", encoding: .utf8)
    for u in uuids { #expect(registry.components(separatedBy: u).count == 2) }
  }

  @Test func layoutModesAndContents() throws {
    let (session, _, caDir, work) = try Self.setUp()
    let o = bundle(session, "n1 \(Self.openstack) --out out/n1 --ca-dir \(caDir)")
    #expect(o.stoppedBy?.message.hasSuffix("/out' does not exist") == true)
    let ok = bundle(session, "n1 \(Self.openstack) --out n1 --ca-dir \(caDir)")
    #expect(ok.stoppedBy == nil, "\(String(describing: ok.stoppedBy))")
    let dir = work + "/n1"
    let names = try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
    #expect(names == ["INSTALL.txt", "agent.yml", "cluster.crt", "env", "node.crt", "node.key"])
    let modes = Dictionary(
      uniqueKeysWithValues: names.map { ($0, AgentTestSupport.mode(dir + "/" + $0)) })
    #expect(
      modes == [
        "INSTALL.txt": 0o644, "agent.yml": 0o600, "cluster.crt": 0o644, "env": 0o644,
        "node.crt": 0o600, "node.key": 0o600,
      ])
    #expect(AgentTestSupport.mode(dir) == 0o700)
    // cluster.crt is the CA certificate; the CA key is nowhere.
    #expect(
      try String(contentsOfFile: dir + "/cluster.crt", encoding: .utf8)
        == String(contentsOfFile: caDir + "/cluster.crt", encoding: .utf8))
    let caKey = try String(contentsOfFile: caDir + "/cluster.key", encoding: .utf8)
    for n in names {
      #expect(try String(contentsOfFile: dir + "/" + n, encoding: .utf8) != caKey)
    }
    // agent.yml passes agent check; env is the kubelet's five variables with /etc/flocker paths.
    let agent = AgentCheck(
      text: try String(contentsOfFile: dir + "/agent.yml", encoding: .utf8),
      path: dir + "/agent.yml", mode: 0o600)
    #expect(agent.errors.isEmpty && agent.hostname == "control.example.com")
    let env = try String(contentsOfFile: dir + "/env", encoding: .utf8)
    #expect(env.contains("FLOCKER_CONTROL_SERVICE_HOST=control.example.com\n"))
    #expect(env.contains("FLOCKER_CONTROL_SERVICE_CA_FILE=/etc/flocker/cluster.crt\n"))
    #expect(env.contains("FLOCKER_CONTROL_SERVICE_CLIENT_KEY_FILE=/etc/flocker/admin.key\n"))
    let install = try String(contentsOfFile: dir + "/INSTALL.txt", encoding: .utf8)
    #expect(install.contains("install -m 0600 -o root -g root node.key /etc/flocker/node.key"))
    #expect(install.contains("NOT in this bundle"))
    // The node key belongs to the node certificate (openssl, as the agent's TLS stack sees it).
    let modulus = { (args: [String]) in try Self.openssl(args) }
    #expect(
      try modulus(["x509", "-noout", "-modulus", "-in", dir + "/node.crt"])
        == modulus(["rsa", "-noout", "-modulus", "-in", dir + "/node.key"]))
    #expect(
      try Self.openssl(["verify", "-CAfile", caDir + "/cluster.crt", dir + "/node.crt"]).hasSuffix(
        "OK\n"))
    // `certs check --node` (issue 7's checks) finds nothing wrong with the folder.
    let (rows, uuid) = CertificateChecks.node(directory: dir)
    #expect(rows.filter { $0.status == .fail }.isEmpty, "\(rows)")
    #expect(uuid != nil)
    #expect(rows.filter { $0.status == .warn }.isEmpty, "\(rows.filter { $0.status == .warn })")
  }

  @Test func refusesToReuseANameOrAFolder() throws {
    let (session, _, caDir, work) = try Self.setUp()
    #expect(bundle(session, "n2 --backend zfs --out n2 --ca-dir \(caDir)").stoppedBy == nil)
    let again = bundle(session, "n2 --backend zfs --out n2-again --ca-dir \(caDir)")
    #expect(again.stoppedBy?.message.hasPrefix("node 'n2' already has a bundle (node ") == true)
    #expect(!FileManager.default.fileExists(atPath: work + "/n2-again"))
    let before = try String(contentsOfFile: work + "/n2/node.crt", encoding: .utf8)
    let folder = bundle(session, "n3 --backend zfs --out n2 --ca-dir \(caDir)")
    #expect(
      folder.stoppedBy?.message.contains("already exists; fsh never overwrites a bundle") == true)
    #expect(try String(contentsOfFile: work + "/n2/node.crt", encoding: .utf8) == before)
    // A refused bundle is not recorded: n3 can still be made.
    #expect(bundle(session, "n3 --backend zfs --out n3 --ca-dir \(caDir)").stoppedBy == nil)
  }

  @Test func needsTheCAKeyAndARealHost() throws {
    let (session, _, _, work) = try Self.setUp()
    let noKey = work + "/nokey"
    try FileManager.default.createDirectory(atPath: noKey, withIntermediateDirectories: false)
    try FileManager.default.copyItem(
      atPath: try TestSandbox.shared.caCertificatePath, toPath: noKey + "/cluster.crt")
    let o = bundle(session, "n4 --backend zfs --out n4 --ca-dir \(noKey)")
    #expect(
      o.stoppedBy?.message.contains("node certificates are signed with the cluster CA's key")
        == true)
    _ = session.run("set host 127.0.0.1", name: "<test>")
    let lo = bundle(session, "n4 --backend zfs --out n4 --ca-dir \(noKey)")
    #expect(lo.stoppedBy?.message.contains("is the loopback") == true)
  }

  @Test func tarballKeepsModesAndOwner() throws {
    let (session, _, caDir, work) = try Self.setUp()
    let o = bundle(
      session, "n5 --backend zfs --out n5 --tar --api-user kubelet --ca-dir \(caDir)")
    #expect(o.stoppedBy == nil, "\(String(describing: o.stoppedBy))")
    #expect(AgentTestSupport.mode(work + "/n5.tar") == 0o600)
    #expect(!FileManager.default.fileExists(atPath: work + "/n5"))
    let listing = try Self.run(
      RequiredTool.path("tar", package: "tar"), ["-tvf", work + "/n5.tar"])
    let lines = listing.split(separator: "\n").map {
      $0.split(separator: " ", omittingEmptySubsequences: true)
    }
    let modes = Dictionary(
      uniqueKeysWithValues: lines.map { (String($0.last!), String($0[0]) + " " + $0[1]) })
    #expect(
      modes == [
        "n5/": "drwx------ root/root", "n5/cluster.crt": "-rw-r--r-- root/root",
        "n5/node.crt": "-rw------- root/root", "n5/node.key": "-rw------- root/root",
        "n5/agent.yml": "-rw------- root/root", "n5/kubelet.crt": "-rw-r--r-- root/root",
        "n5/kubelet.key": "-rw------- root/root", "n5/env": "-rw-r--r-- root/root",
        "n5/INSTALL.txt": "-rw-r--r-- root/root",
      ])
    // Extracted, it is the same folder, and the kubelet's API user is a user- certificate.
    let x = work + "/x"
    try FileManager.default.createDirectory(atPath: x, withIntermediateDirectories: false)
    _ = try Self.run(RequiredTool.path("tar", package: "tar"), ["-xpf", work + "/n5.tar", "-C", x])
    #expect(AgentTestSupport.mode(x + "/n5/node.key") == 0o600)
    let validator = try FlockerPeerValidator(
      caCertificatePEM: try String(contentsOfFile: caDir + "/cluster.crt", encoding: .utf8))
    let user = try Self.der(try String(contentsOfFile: x + "/n5/kubelet.crt", encoding: .utf8))
    #expect(try validator.validate(leafDER: user, commonNamePrefix: "user-") == "user-kubelet")
    let env = try String(contentsOfFile: x + "/n5/env", encoding: .utf8)
    #expect(env.contains("FLOCKER_CONTROL_SERVICE_CLIENT_CERT_FILE=/etc/flocker/kubelet.crt\n"))
    #expect(
      try Self.run(RequiredTool.path("tar", package: "tar"), ["-tf", work + "/n5.tar"]).contains(
        "n5/node.key"))
  }

  // MARK: - Helpers

  static func der(_ pem: String) throws -> [UInt8] {
    let body = pem.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
    return Array(Data(base64Encoded: body)!)
  }

  static func openssl(_ args: [String]) throws -> String { try run(RequiredTool.openssl(), args) }

  static func run(_ tool: String, _ args: [String]) throws -> String {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: tool)
    p.arguments = args
    let pipe = Pipe()
    p.standardOutput = pipe
    p.standardError = pipe
    try p.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
  }
}

// `certs check` offline (C1–C8) and node (N1–N7) checks: each passes on a good set and fails on
// its bad case with the right fix.
import Foundation
import FshClient
import FshModel
import FshPKI
import FshTestSupport
import Testing

@testable import FshKit
@testable import FshRuntime

@Suite("certs check: offline")
struct CertificateCheckTests {
  @Test func goodSetPassesEveryCheck() throws {
    let rows = try CertFixtures.clientSet().run()
    for id in ["C1", "C2", "C3", "C4", "C5", "C6", "C7", "C8"] {
      #expect(rows.status(id) == .pass, "\(id):\n\(rows.summary)")
    }
  }

  @Test func anotherClustersCAFailsC4() throws {
    let stranger = try CertFixtures.otherCA.issueUser(name: "alice", keyBits: 2048)
    let rows = try CertFixtures.clientSet(user: stranger).run()
    #expect(rows.status("C4") == .fail, "\(rows.summary)")
    let row = try rows.row("C4")
    // Same CA common name, another cluster: the OU (cluster UUID) in the issuer differs.
    #expect(row.message.contains("was issued by 'CN=cluster-a,OU="))
    #expect(row.fix?.contains("this cluster's CA") == true)
  }

  @Test func sameNameOtherKeyFailsC4OnTheSignature() throws {
    // A certificate naming the cluster CA as issuer but signed by another key.
    let key = try TestCertificates.makeKey(.rsa2048)
    let forged = try TestCertificates.certificate(
      subject: [("OU", try CertFixtures.ca.clusterUUID), ("CN", "user-alice")], keyPEM: key,
      issuerCertificatePEM: try CertFixtures.ca.certificatePEM, signerKeyPEM: key,
      notBefore: Date() - 60, notAfter: Date() + 3600)
    let set = try CertFixtures.clientSet()
    try CertFixtures.write(forged, set.certPath, mode: 0o644)
    try CertFixtures.write(key, set.keyPath)
    let rows = set.run()
    #expect(rows.status("C3") == .pass)
    #expect(rows.rows("C4").first?.message.contains("did not sign it") == true, "\(rows.summary)")
  }

  @Test func anotherClusterByNameFailsC4() throws {
    let other = try FlockerCA.initialize(name: "cluster-b", keyBits: 2048, version: .v3)
    let rows = try CertFixtures.clientSet(
      user: try other.issueUser(name: "alice", keyBits: 2048)
    ).run()
    #expect(rows.rows("C4").first?.message.contains("issued by 'CN=cluster-b") == true)
  }

  @Test func nodeCertificateAsUserFailsC5() throws {
    let node = try CertFixtures.ca.issueNode(keyBits: 2048)
    let rows = try CertFixtures.clientSet(user: node).run()
    #expect(rows.status("C5") == .fail)
    #expect(try rows.row("C5").message.contains("agent (node) certificate"))
    #expect(try rows.row("C5").fix?.contains("certs user NAME") == true)
    #expect(rows.status("C3") == .pass)
  }

  @Test func controlCertificateAsUserFailsC5() throws {
    let rows = try CertFixtures.clientSet(user: try CertFixtures.control).run()
    #expect(rows.status("C5") == .fail)
    #expect(try rows.row("C5").message.contains("control service's own certificate"))
  }

  @Test func mismatchedKeyFailsC3() throws {
    let set = try CertFixtures.clientSet()
    let other = try CertFixtures.ca.issueUser(name: "bob", keyBits: 2048)
    try CertFixtures.write(other.privateKeyPEM, set.keyPath)
    let rows = set.run()
    #expect(rows.status("C3") == .fail)
    #expect(try rows.row("C3").message.contains("does not belong to"))
    #expect(try rows.row("C3").fix?.contains("written together with 'alice.crt'") == true)
  }

  @Test func keysInEveryFormatAreMatched() throws {
    // PKCS#1 is what flocker-ca writes; PKCS#8 and EC keys come from other tools.
    let pkcs8 = try PrivateKeyInfo(
      pem: try TestCertificates.pkcs8(try CertFixtures.user.privateKeyPEM))
    #expect(pkcs8.format == .pkcs8)
    let cert = try #require(
      try CertificateInfo.parseAll(pem: try CertFixtures.user.certificatePEM).first)
    #expect(cert.matches(pkcs8))
    #expect(cert.matches(try PrivateKeyInfo(pem: try CertFixtures.user.privateKeyPEM)))

    let ec = try TestCertificates.makeKey(.p256)
    let ecCert = try TestCertificates.certificate(
      subject: [("CN", "user-ec")], keyPEM: ec, signerKeyPEM: ec, notBefore: Date(),
      notAfter: Date() + 3600)
    let ecInfo = try #require(try CertificateInfo.parseAll(pem: ecCert).first)
    #expect(ecInfo.signatureAlgorithm == "ecdsaWithSHA256")
    let ecKey = try PrivateKeyInfo(pem: ec)
    #expect(ecKey.algorithm == "ECDSA P-256")
    #expect(ecInfo.matches(ecKey))
    #expect(!cert.matches(ecKey))
    #expect(ecInfo.publicKeyDescription == "ECDSA P-256")
  }

  @Test func encryptedKeyFailsC3() throws {
    let set = try CertFixtures.clientSet()
    try CertFixtures.write(
      "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIBvTBXBgkqhkiG9w0BBQ0wSjApBgkqhkiG9w0BBQww\n"
        + "-----END ENCRYPTED PRIVATE KEY-----\n", set.keyPath)
    let rows = set.run()
    #expect(rows.status("C3") == .fail)
    #expect(try rows.row("C3").message.contains("encrypted"))
  }

  @Test func expiredAndNotYetValidFailC6() throws {
    var ca = try CertFixtures.ca
    ca.validity = DateInterval(start: Date() - 30 * 86400, end: Date() - 86400)
    let expired = try CertFixtures.clientSet(user: try ca.issueUser(name: "alice", keyBits: 2048))
      .run()
    #expect(expired.status("C6") == .fail)
    #expect(try expired.row("C6").message.contains("'alice.crt' expired on"))

    ca.validity = DateInterval(start: Date() + 3600, end: Date() + 86400 * 400)
    let future = try CertFixtures.clientSet(user: try ca.issueUser(name: "alice", keyBits: 2048))
      .run()
    #expect(future.status("C6") == .fail)
    #expect(try future.row("C6").fix?.contains("clock") == true)

    ca.validity = DateInterval(start: Date() - 3600, end: Date() + 86400 * 5)
    let soon = try CertFixtures.clientSet(user: try ca.issueUser(name: "alice", keyBits: 2048))
      .run()
    #expect(soon.status("C6") == .warn)
  }

  @Test func agentPortFailsC7() throws {
    let rows = try CertFixtures.clientSet(port: "4524").run()
    #expect(rows.status("C7") == .fail)
    #expect(try rows.row("C7").message.contains("agents' port"))
    #expect(try CertFixtures.clientSet(port: "http").run().status("C7") == .fail)
  }

  @Test func emptyVariableWarnsC7() throws {
    var i = ConfigurationInputs()
    i.environment = ["FLOCKER_CONTROL_SERVICE_HOST": "", "FLOCKER_CONTROL_SERVICE_PORT": "4523"]
    let c = Configuration.resolve(i)
    let inputs = CertificateCheckInputs(configuration: c)
    let rows = CertificateChecks.offline(inputs).rows("C7")
    #expect(rows.contains { $0.status == .warn && $0.message.contains("set but empty") })
    #expect(rows.contains { $0.status == .fail && $0.message.contains("no control service host") })
  }

  @Test func hostNotInSANFailsC8() throws {
    let rows = try CertFixtures.clientSet(host: "control.example.com").run()
    #expect(rows.status("C8") == .fail)
    let row = try rows.row("C8")
    #expect(row.message.contains("'control.example.com' is not in"))
    #expect(row.message.contains("DNS:control-service, IP:10.0.0.5"))
    #expect(row.fix?.contains("dial '10.0.0.5'") == true)
  }

  @Test func localhostFailsC8WithTheKubeletHint() throws {
    let rows = try CertFixtures.clientSet(host: "localhost").run()
    #expect(rows.status("C8") == .fail)
    #expect(try rows.row("C8").message.contains("never saw FLOCKER_CONTROL_SERVICE_HOST"))
    #expect(try rows.row("C8").fix?.contains("EnvironmentFile") == true)
  }

  @Test func hostMatchingIsGoStyle() throws {
    let info = try #require(
      try CertificateInfo.parseAll(pem: try CertFixtures.control.certificatePEM).first)
    #expect(info.matchesHost("10.0.0.5"))
    #expect(info.matchesHost("CONTROL-SERVICE"))
    #expect(!info.matchesHost("10.0.0.50"))
    // No commonName fallback: the CN is control-service, but only the SAN counts.
    let named = try CertFixtures.ca.issueControl(hostname: "Control.Example.com", keyBits: 2048)
    let n = try #require(try CertificateInfo.parseAll(pem: named.certificatePEM).first)
    #expect(n.matchesHost("control.example.com"))
    #expect(n.subjectAlternativeNames == ["DNS:control-service", "DNS:Control.Example.com"])
  }

  @Test func flockerCAVersion1PassesWithAWarning() throws {
    let ca = try CertFixtures.v1CA
    let rows = try CertFixtures.clientSet(
      ca: ca, user: try ca.issueUser(name: "alice", keyBits: 2048),
      control: try ca.issueControl(hostname: "10.0.0.5", keyBits: 2048)
    ).run()
    #expect(rows.failures.isEmpty, "\(rows.summary)")
    #expect(rows.status("C8") == .warn)
    #expect(rows.rows("C8").contains { $0.message.contains("Go ≥ 1.17 ignores it") })
    let info = try #require(try CertificateInfo.parseAll(pem: ca.certificatePEM).first)
    #expect(info.isVersion1WithExtensions && info.isCertificateAuthority)
  }

  @Test func permissionsAreChecked() throws {
    let set = try CertFixtures.clientSet()
    chmod(set.keyPath, 0o644)
    let open = set.run()
    #expect(open.status("C1") == .fail)
    #expect(try open.row("C1").fix?.contains("chmod 0600") == true)
    chmod(set.keyPath, 0o640)
    #expect(set.run().status("C1") == .warn)
    chmod(set.keyPath, 0o600)
    chmod(set.dir, 0o755)
    let dir = set.run().rows("C1")
    #expect(dir.contains { $0.status == .warn && $0.message.contains("not 0700") })
  }

  @Test func missingAndUnreadableFilesFailC1() throws {
    let set = try CertFixtures.clientSet()
    try FileManager.default.removeItem(atPath: set.certPath)
    let missing = set.run()
    #expect(
      missing.rows("C1").contains { $0.status == .fail && $0.message.contains("does not exist") })
    #expect(missing.status("C3") == .skip)
    // Root reads anything; a directory in place of the key is unreadable for everyone.
    try FileManager.default.removeItem(atPath: set.keyPath)
    try FileManager.default.createDirectory(atPath: set.keyPath, withIntermediateDirectories: false)
    #expect(
      set.run().rows("C1").contains { $0.status == .fail && $0.message.contains("directory") })
    // A file that exists but cannot be read: fshTests' UnprivilegedTests (as `nobody` when
    // the suite runs as root, which reads anything).
  }

  @Test func notPEMFails() throws {
    let set = try CertFixtures.clientSet()
    try CertFixtures.write("hello\n", set.caPath, mode: 0o644)
    try CertFixtures.write("\u{30}\u{82}garbage", set.certPath, mode: 0o644)
    let rows = set.run()
    #expect(rows.status("C2") == .fail)
    #expect(try rows.row("C2").message.contains("it is not PEM"))
    #expect(rows.status("C3") == .fail)
    // The CA key given as the CA file.
    try CertFixtures.write(try CertFixtures.ca.privateKeyPEM, set.caPath)
    #expect(try set.run().row("C2").message.contains("private key"))
    // A corrupt certificate block.
    try CertFixtures.write(
      "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", set.certPath, mode: 0o644)
    #expect(try set.run().row("C3").message.contains("does not parse"))
  }

  @Test func theCheckNeverShowsKeyMaterial() throws {
    let set = try CertFixtures.clientSet()
    let body = try #require(
      try CertFixtures.user.privateKeyPEM.split(separator: "\n").dropFirst().first)
    try CertFixtures.write(String(try CertFixtures.user.privateKeyPEM.dropFirst(5)), set.keyPath)
    let rows = set.run()
    #expect(!rows.summary.contains(body))
    #expect(!rows.compactMap(\.fix).joined().contains(body))
  }
}

@Suite("certs check: agent node")
struct NodeCheckTests {
  static func nodeDirectory(_ credential: IssuedCredential, ca: FlockerCA? = nil) throws
    -> String
  {
    let ca = try ca ?? CertFixtures.ca
    let dir = try CertFixtures.directory("node")
    try CertFixtures.write(ca.certificatePEM, dir + "/cluster.crt", mode: 0o644)
    try CertFixtures.write(credential.certificatePEM, dir + "/node.crt")
    try CertFixtures.write(credential.privateKeyPEM, dir + "/node.key")
    return dir
  }

  @Test func goodNodePasses() throws {
    let node = try CertFixtures.ca.issueNode(keyBits: 2048)
    let (rows, uuid) = CertificateChecks.node(directory: try Self.nodeDirectory(node))
    #expect(rows.failures.isEmpty && !rows.contains { $0.status == .warn }, "\(rows.summary)")
    #expect(uuid == node.nodeUUID)
  }

  @Test func userCertificateAsNodeFails() throws {
    let (rows, uuid) = CertificateChecks.node(
      directory: try Self.nodeDirectory(try CertFixtures.user))
    #expect(rows.status("N4") == .fail)
    #expect(try rows.row("N4").message.contains("API user certificate"))
    #expect(uuid == nil)
  }

  @Test func otherClusterAndMissingFilesFail() throws {
    let stranger = try CertFixtures.otherCA.issueNode(keyBits: 2048)
    let dir = try Self.nodeDirectory(stranger)
    #expect(CertificateChecks.node(directory: dir).0.status("N5") == .fail)
    try FileManager.default.removeItem(atPath: dir + "/node.key")
    let rows = CertificateChecks.node(directory: dir).0
    #expect(rows.rows("N1").contains { $0.fix?.contains("certs node") == true })
  }

  @Test func copiedNodeCertificateWarns() throws {
    let uuid = "0b8c3e1c-52a4-4a86-9b2a-7c1b2e7c9a01"
    let twice = [Node(uuid: uuid, host: "10.0.0.1"), Node(uuid: uuid, host: "10.0.0.2")]
    let rows = CertificateChecks.nodeIdentity(uuid: uuid, nodes: twice, localAddresses: [])
    #expect(rows.first?.status == .warn && rows.first?.message.contains("2 hosts") == true)
    let elsewhere = CertificateChecks.nodeIdentity(
      uuid: uuid, nodes: [try #require(twice.first)], localAddresses: ["10.9.9.9"])
    #expect(
      elsewhere.first?.status == .warn
        && elsewhere.first?.message.contains("not an address") == true)
    let here = CertificateChecks.nodeIdentity(
      uuid: uuid, nodes: [try #require(twice.first)], localAddresses: ["10.0.0.1"])
    #expect(here.first?.status == .pass)
    #expect(
      CertificateChecks.nodeIdentity(uuid: uuid, nodes: [], localAddresses: []).first?.status
        == .warn)
  }
}

@Suite("certs check: live analysis")
struct LiveAnalysisTests {
  let a = Node(uuid: "aaaaaaaa-0000-4000-8000-000000000001", host: "10.0.0.1")
  let b = Node(uuid: "bbbbbbbb-0000-4000-8000-000000000002", host: "10.0.0.2")

  @Test func nodeList() throws {
    #expect(
      CertificateChecks.nodes([a, b], nodeIP: "10.0.0.2", localAddresses: []).first?.status == .pass
    )
    let missing = CertificateChecks.nodes([a, b], nodeIP: "10.0.0.9", localAddresses: [])
    #expect(
      missing.first?.status == .fail
        && missing.first?.message.contains("No node found with IP") == true)
    #expect(
      CertificateChecks.nodes([a, b], nodeIP: nil, localAddresses: ["10.0.0.1"]).first?.status
        == .pass)
    #expect(
      CertificateChecks.nodes([a, b], nodeIP: nil, localAddresses: ["10.1.1.1"]).first?.status
        == .warn)
    #expect(CertificateChecks.nodes([], nodeIP: nil, localAddresses: []).first?.status == .fail)
    let dupUUID = CertificateChecks.nodes(
      [a, Node(uuid: a.uuid, host: "10.0.0.3")], nodeIP: "10.0.0.1", localAddresses: [])
    #expect(dupUUID.contains { $0.status == .fail && $0.message.contains("listed 2 times") })
    let dupHost = CertificateChecks.nodes(
      [a, Node(uuid: b.uuid, host: a.host)], nodeIP: "10.0.0.1", localAddresses: [])
    #expect(dupHost.contains { $0.status == .warn && $0.message.contains("reported by 2 nodes") })
  }

  @Test func datasetNames() throws {
    func ds(_ id: String, _ name: String, deleted: Bool = false) -> DatasetConfiguration {
      DatasetConfiguration(
        datasetID: id, primary: a.uuid, deleted: deleted, metadata: ["name": name])
    }
    let unique = CertificateChecks.datasetNames([
      ds("1", "x"), ds("2", "y"), ds("3", "y", deleted: true),
    ])
    #expect(unique.count == 1 && unique.first?.status == .pass)
    let twice = CertificateChecks.datasetNames([ds("1", "x"), ds("2", "x")])
    #expect(twice.first?.status == .warn && twice.first?.fix?.contains("datasetUUID") == true)
  }

  @Test func kubeletEnvironment() throws {
    let expected: [(String, String?)] = [
      ("FLOCKER_CONTROL_SERVICE_HOST", "10.0.0.5"), ("FLOCKER_CONTROL_SERVICE_PORT", "4523"),
    ]
    let same = CertificateChecks.kubeletEnvironment(
      pid: 42,
      environment: [
        "FLOCKER_CONTROL_SERVICE_HOST": "10.0.0.5", "FLOCKER_CONTROL_SERVICE_PORT": "4523",
      ],
      expected: expected)
    #expect(same.first?.status == .pass)
    let none = CertificateChecks.kubeletEnvironment(pid: 42, environment: [:], expected: expected)
    #expect(
      none.first?.status == .fail && none.first?.message.contains("dials 'localhost'") == true)
    let other = CertificateChecks.kubeletEnvironment(
      pid: 42,
      environment: [
        "FLOCKER_CONTROL_SERVICE_HOST": "10.0.0.6", "FLOCKER_CONTROL_SERVICE_PORT": "4523",
      ],
      expected: expected)
    #expect(other.first?.status == .warn)
  }
}

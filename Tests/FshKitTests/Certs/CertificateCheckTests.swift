import Crypto
// `certs check` offline (C1–C8) and node (N1–N7) checks: each passes on a good set and fails on
// its bad case with the right fix.
import Foundation
import FshPKI
import Testing
import X509
import _CryptoExtras

@testable import FshKit

@Suite("certs check: offline")
struct CertificateCheckTests {
  @Test func goodSetPassesEveryCheck() {
    let rows = CertFixtures.clientSet().run()
    for id in ["C1", "C2", "C3", "C4", "C5", "C6", "C7", "C8"] {
      #expect(rows.status(id) == .pass, "\(id):\n\(rows.summary)")
    }
  }

  @Test func anotherClustersCAFailsC4() {
    let stranger = try! CertFixtures.otherCA.issueUser(name: "alice", keyBits: 2048)
    let rows = CertFixtures.clientSet(user: stranger).run()
    #expect(rows.status("C4") == .fail, "\(rows.summary)")
    let row = rows.rows("C4")[0]
    // Same CA common name, another cluster: the OU (cluster UUID) in the issuer differs.
    #expect(row.message.contains("was issued by 'CN=cluster-a,OU="))
    #expect(row.fix?.contains("this cluster's CA") == true)
  }

  @Test func sameNameOtherKeyFailsC4OnTheSignature() throws {
    // A certificate naming the cluster CA as issuer but signed by another key.
    let caCert = try Certificate(pemEncoded: CertFixtures.ca.certificatePEM)
    let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
    let subject = try DistinguishedName {
      OrganizationalUnitName(CertFixtures.ca.clusterUUID)
      CommonName("user-alice")
    }
    let forged = try Certificate(
      version: .v3, serialNumber: .init(), publicKey: .init(key.publicKey),
      notValidBefore: Date() - 60, notValidAfter: Date() + 3600, issuer: caCert.subject,
      subject: subject, signatureAlgorithm: .sha256WithRSAEncryption, extensions: .init(),
      issuerPrivateKey: .init(key))
    let set = CertFixtures.clientSet()
    CertFixtures.write(try forged.serializeAsPEM().pemString, set.certPath, mode: 0o644)
    CertFixtures.write(key.pemRepresentation, set.keyPath)
    let rows = set.run()
    #expect(rows.status("C3") == .pass)
    #expect(rows.rows("C4").first?.message.contains("did not sign it") == true, "\(rows.summary)")
  }

  @Test func anotherClusterByNameFailsC4() {
    let other = try! FlockerCA.initialize(name: "cluster-b", keyBits: 2048, version: .v3)
    let rows = CertFixtures.clientSet(
      user: try! other.issueUser(name: "alice", keyBits: 2048)
    ).run()
    #expect(rows.rows("C4").first?.message.contains("issued by 'CN=cluster-b") == true)
  }

  @Test func nodeCertificateAsUserFailsC5() {
    let node = try! CertFixtures.ca.issueNode(keyBits: 2048)
    let rows = CertFixtures.clientSet(user: node).run()
    #expect(rows.status("C5") == .fail)
    #expect(rows.rows("C5")[0].message.contains("agent (node) certificate"))
    #expect(rows.rows("C5")[0].fix?.contains("certs user NAME") == true)
    #expect(rows.status("C3") == .pass)
  }

  @Test func controlCertificateAsUserFailsC5() {
    let rows = CertFixtures.clientSet(user: CertFixtures.control).run()
    #expect(rows.status("C5") == .fail)
    #expect(rows.rows("C5")[0].message.contains("control service's own certificate"))
  }

  @Test func mismatchedKeyFailsC3() {
    let set = CertFixtures.clientSet()
    let other = try! CertFixtures.ca.issueUser(name: "bob", keyBits: 2048)
    CertFixtures.write(other.privateKeyPEM, set.keyPath)
    let rows = set.run()
    #expect(rows.status("C3") == .fail)
    #expect(rows.rows("C3")[0].message.contains("does not belong to"))
    #expect(rows.rows("C3")[0].fix?.contains("written together with 'alice.crt'") == true)
  }

  @Test func keysInEveryFormatAreMatched() throws {
    // PKCS#1 is what flocker-ca writes; PKCS#8 and EC keys come from other tools.
    let rsa = try _RSA.Signing.PrivateKey(unsafePEMRepresentation: CertFixtures.user.privateKeyPEM)
    let pkcs8 = try PrivateKeyInfo(pem: rsa.pkcs8PEMRepresentation)
    #expect(pkcs8.format == .pkcs8)
    let cert = try #require(
      try CertificateInfo.parseAll(pem: CertFixtures.user.certificatePEM).first)
    #expect(cert.matches(pkcs8))
    #expect(cert.matches(try PrivateKeyInfo(pem: CertFixtures.user.privateKeyPEM)))

    let ec = P256.Signing.PrivateKey()
    let name = try DistinguishedName { CommonName("user-ec") }
    let ecCert = try Certificate(
      version: .v3, serialNumber: .init(), publicKey: .init(ec.publicKey),
      notValidBefore: Date(), notValidAfter: Date() + 3600, issuer: name, subject: name,
      signatureAlgorithm: .ecdsaWithSHA256, extensions: .init(), issuerPrivateKey: .init(ec))
    let ecInfo = try #require(
      try CertificateInfo.parseAll(pem: ecCert.serializeAsPEM().pemString).first)
    let ecKey = try PrivateKeyInfo(pem: ec.pemRepresentation)
    #expect(ecKey.algorithm == "ECDSA P-256")
    #expect(ecInfo.matches(ecKey))
    #expect(!cert.matches(ecKey))
    #expect(ecInfo.publicKeyDescription == "ECDSA P-256")
  }

  @Test func encryptedKeyFailsC3() {
    let set = CertFixtures.clientSet()
    CertFixtures.write(
      "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIBvTBXBgkqhkiG9w0BBQ0wSjApBgkqhkiG9w0BBQww\n"
        + "-----END ENCRYPTED PRIVATE KEY-----\n", set.keyPath)
    let rows = set.run()
    #expect(rows.status("C3") == .fail)
    #expect(rows.rows("C3")[0].message.contains("encrypted"))
  }

  @Test func expiredAndNotYetValidFailC6() {
    var ca = CertFixtures.ca
    ca.validity = DateInterval(start: Date() - 30 * 86400, end: Date() - 86400)
    let expired = CertFixtures.clientSet(user: try! ca.issueUser(name: "alice", keyBits: 2048))
      .run()
    #expect(expired.status("C6") == .fail)
    #expect(expired.rows("C6")[0].message.contains("'alice.crt' expired on"))

    ca.validity = DateInterval(start: Date() + 3600, end: Date() + 86400 * 400)
    let future = CertFixtures.clientSet(user: try! ca.issueUser(name: "alice", keyBits: 2048)).run()
    #expect(future.status("C6") == .fail)
    #expect(future.rows("C6")[0].fix?.contains("clock") == true)

    ca.validity = DateInterval(start: Date() - 3600, end: Date() + 86400 * 5)
    let soon = CertFixtures.clientSet(user: try! ca.issueUser(name: "alice", keyBits: 2048)).run()
    #expect(soon.status("C6") == .warn)
  }

  @Test func agentPortFailsC7() {
    let rows = CertFixtures.clientSet(port: "4524").run()
    #expect(rows.status("C7") == .fail)
    #expect(rows.rows("C7")[0].message.contains("agents' port"))
    #expect(CertFixtures.clientSet(port: "http").run().status("C7") == .fail)
  }

  @Test func emptyVariableWarnsC7() {
    var i = ConfigurationInputs()
    i.environment = ["FLOCKER_CONTROL_SERVICE_HOST": "", "FLOCKER_CONTROL_SERVICE_PORT": "4523"]
    let c = Configuration.resolve(i)
    let inputs = CertificateCheckInputs(configuration: c)
    let rows = CertificateChecks.offline(inputs).rows("C7")
    #expect(rows.contains { $0.status == .warn && $0.message.contains("set but empty") })
    #expect(rows.contains { $0.status == .fail && $0.message.contains("no control service host") })
  }

  @Test func hostNotInSANFailsC8() {
    let rows = CertFixtures.clientSet(host: "control.example.com").run()
    #expect(rows.status("C8") == .fail)
    let row = rows.rows("C8")[0]
    #expect(row.message.contains("'control.example.com' is not in"))
    #expect(row.message.contains("DNS:control-service, IP:10.0.0.5"))
    #expect(row.fix?.contains("dial '10.0.0.5'") == true)
  }

  @Test func localhostFailsC8WithTheKubeletHint() {
    let rows = CertFixtures.clientSet(host: "localhost").run()
    #expect(rows.status("C8") == .fail)
    #expect(rows.rows("C8")[0].message.contains("never saw FLOCKER_CONTROL_SERVICE_HOST"))
    #expect(rows.rows("C8")[0].fix?.contains("EnvironmentFile") == true)
  }

  @Test func hostMatchingIsGoStyle() throws {
    let info = try #require(
      try CertificateInfo.parseAll(pem: CertFixtures.control.certificatePEM).first)
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
    let ca = CertFixtures.v1CA
    let rows = CertFixtures.clientSet(
      ca: ca, user: try ca.issueUser(name: "alice", keyBits: 2048),
      control: try ca.issueControl(hostname: "10.0.0.5", keyBits: 2048)
    ).run()
    #expect(rows.failures.isEmpty, "\(rows.summary)")
    #expect(rows.status("C8") == .warn)
    #expect(rows.rows("C8").contains { $0.message.contains("Go ≥ 1.17 ignores it") })
    let info = try #require(try CertificateInfo.parseAll(pem: ca.certificatePEM).first)
    #expect(info.isVersion1WithExtensions && info.isCertificateAuthority)
  }

  @Test func permissionsAreChecked() {
    let set = CertFixtures.clientSet()
    chmod(set.keyPath, 0o644)
    let open = set.run()
    #expect(open.status("C1") == .fail)
    #expect(open.rows("C1")[0].fix?.contains("chmod 0600") == true)
    chmod(set.keyPath, 0o640)
    #expect(set.run().status("C1") == .warn)
    chmod(set.keyPath, 0o600)
    chmod(set.dir, 0o755)
    let dir = set.run().rows("C1")
    #expect(dir.contains { $0.status == .warn && $0.message.contains("not 0700") })
  }

  @Test func missingAndUnreadableFilesFailC1() throws {
    let set = CertFixtures.clientSet()
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

  @Test func notPEMFails() {
    let set = CertFixtures.clientSet()
    CertFixtures.write("hello\n", set.caPath, mode: 0o644)
    CertFixtures.write("\u{30}\u{82}garbage", set.certPath, mode: 0o644)
    let rows = set.run()
    #expect(rows.status("C2") == .fail)
    #expect(rows.rows("C2")[0].message.contains("it is not PEM"))
    #expect(rows.status("C3") == .fail)
    // The CA key given as the CA file.
    CertFixtures.write(CertFixtures.ca.privateKeyPEM, set.caPath)
    #expect(set.run().rows("C2")[0].message.contains("private key"))
    // A corrupt certificate block.
    CertFixtures.write(
      "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", set.certPath, mode: 0o644)
    #expect(set.run().rows("C3")[0].message.contains("does not parse"))
  }

  @Test func theCheckNeverShowsKeyMaterial() {
    let set = CertFixtures.clientSet()
    let body = CertFixtures.user.privateKeyPEM.split(separator: "\n")[1]
    CertFixtures.write(String(CertFixtures.user.privateKeyPEM.dropFirst(5)), set.keyPath)
    let rows = set.run()
    #expect(!rows.summary.contains(body))
    #expect(!rows.compactMap(\.fix).joined().contains(body))
  }
}

@Suite("certs check: agent node")
struct NodeCheckTests {
  static func nodeDirectory(_ credential: IssuedCredential, ca: FlockerCA = CertFixtures.ca)
    -> String
  {
    let dir = CertFixtures.directory("node")
    CertFixtures.write(ca.certificatePEM, dir + "/cluster.crt", mode: 0o644)
    CertFixtures.write(credential.certificatePEM, dir + "/node.crt")
    CertFixtures.write(credential.privateKeyPEM, dir + "/node.key")
    return dir
  }

  @Test func goodNodePasses() throws {
    let node = try CertFixtures.ca.issueNode(keyBits: 2048)
    let (rows, uuid) = CertificateChecks.node(directory: Self.nodeDirectory(node))
    #expect(rows.failures.isEmpty && !rows.contains { $0.status == .warn }, "\(rows.summary)")
    #expect(uuid == node.nodeUUID)
  }

  @Test func userCertificateAsNodeFails() {
    let (rows, uuid) = CertificateChecks.node(directory: Self.nodeDirectory(CertFixtures.user))
    #expect(rows.status("N4") == .fail)
    #expect(rows.rows("N4")[0].message.contains("API user certificate"))
    #expect(uuid == nil)
  }

  @Test func otherClusterAndMissingFilesFail() throws {
    let stranger = try CertFixtures.otherCA.issueNode(keyBits: 2048)
    let dir = Self.nodeDirectory(stranger)
    #expect(CertificateChecks.node(directory: dir).0.status("N5") == .fail)
    try FileManager.default.removeItem(atPath: dir + "/node.key")
    let rows = CertificateChecks.node(directory: dir).0
    #expect(rows.rows("N1").contains { $0.fix?.contains("certs node") == true })
  }

  @Test func copiedNodeCertificateWarns() {
    let uuid = "0b8c3e1c-52a4-4a86-9b2a-7c1b2e7c9a01"
    let twice = [Node(uuid: uuid, host: "10.0.0.1"), Node(uuid: uuid, host: "10.0.0.2")]
    let rows = CertificateChecks.nodeIdentity(uuid: uuid, nodes: twice, localAddresses: [])
    #expect(rows[0].status == .warn && rows[0].message.contains("2 hosts"))
    let elsewhere = CertificateChecks.nodeIdentity(
      uuid: uuid, nodes: [twice[0]], localAddresses: ["10.9.9.9"])
    #expect(elsewhere[0].status == .warn && elsewhere[0].message.contains("not an address"))
    let here = CertificateChecks.nodeIdentity(
      uuid: uuid, nodes: [twice[0]], localAddresses: ["10.0.0.1"])
    #expect(here[0].status == .pass)
    #expect(
      CertificateChecks.nodeIdentity(uuid: uuid, nodes: [], localAddresses: [])[0].status == .warn)
  }
}

@Suite("certs check: live analysis")
struct LiveAnalysisTests {
  let a = Node(uuid: "aaaaaaaa-0000-4000-8000-000000000001", host: "10.0.0.1")
  let b = Node(uuid: "bbbbbbbb-0000-4000-8000-000000000002", host: "10.0.0.2")

  @Test func nodeList() {
    #expect(
      CertificateChecks.nodes([a, b], nodeIP: "10.0.0.2", localAddresses: [])[0].status == .pass)
    let missing = CertificateChecks.nodes([a, b], nodeIP: "10.0.0.9", localAddresses: [])
    #expect(missing[0].status == .fail && missing[0].message.contains("No node found with IP"))
    #expect(
      CertificateChecks.nodes([a, b], nodeIP: nil, localAddresses: ["10.0.0.1"])[0].status == .pass)
    #expect(
      CertificateChecks.nodes([a, b], nodeIP: nil, localAddresses: ["10.1.1.1"])[0].status == .warn)
    #expect(CertificateChecks.nodes([], nodeIP: nil, localAddresses: [])[0].status == .fail)
    let dupUUID = CertificateChecks.nodes(
      [a, Node(uuid: a.uuid, host: "10.0.0.3")], nodeIP: "10.0.0.1", localAddresses: [])
    #expect(dupUUID.contains { $0.status == .fail && $0.message.contains("listed 2 times") })
    let dupHost = CertificateChecks.nodes(
      [a, Node(uuid: b.uuid, host: a.host)], nodeIP: "10.0.0.1", localAddresses: [])
    #expect(dupHost.contains { $0.status == .warn && $0.message.contains("reported by 2 nodes") })
  }

  @Test func datasetNames() {
    func ds(_ id: String, _ name: String, deleted: Bool = false) -> DatasetConfiguration {
      DatasetConfiguration(
        datasetID: id, primary: a.uuid, deleted: deleted, metadata: ["name": name])
    }
    let unique = CertificateChecks.datasetNames([
      ds("1", "x"), ds("2", "y"), ds("3", "y", deleted: true),
    ])
    #expect(unique.count == 1 && unique[0].status == .pass)
    let twice = CertificateChecks.datasetNames([ds("1", "x"), ds("2", "x")])
    #expect(twice[0].status == .warn && twice[0].fix?.contains("datasetUUID") == true)
  }

  @Test func kubeletEnvironment() {
    let expected: [(String, String?)] = [
      ("FLOCKER_CONTROL_SERVICE_HOST", "10.0.0.5"), ("FLOCKER_CONTROL_SERVICE_PORT", "4523"),
    ]
    let same = CertificateChecks.kubeletEnvironment(
      pid: 42,
      environment: [
        "FLOCKER_CONTROL_SERVICE_HOST": "10.0.0.5", "FLOCKER_CONTROL_SERVICE_PORT": "4523",
      ],
      expected: expected)
    #expect(same[0].status == .pass)
    let none = CertificateChecks.kubeletEnvironment(pid: 42, environment: [:], expected: expected)
    #expect(none[0].status == .fail && none[0].message.contains("dials 'localhost'"))
    let other = CertificateChecks.kubeletEnvironment(
      pid: 42,
      environment: [
        "FLOCKER_CONTROL_SERVICE_HOST": "10.0.0.6", "FLOCKER_CONTROL_SERVICE_PORT": "4523",
      ],
      expected: expected)
    #expect(other[0].status == .warn)
  }
}

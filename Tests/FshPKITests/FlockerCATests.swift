import Foundation
import FshTestSupport
import Testing

@testable import FshPKI

/// A lowercase version 4 UUID, as flocker-ca writes node UUIDs.
private func isLowercaseUUIDv4(_ s: String) -> Bool {
  UUID(uuidString: s) != nil && s == s.lowercased() && Array(s)[14] == "4"
    && "89ab".contains(Array(s)[19])
}

/// The openssl CLI on PATH: a missing one fails the cross-checks naming the package.
private var openssl: String { get throws { try RequiredTool.openssl() } }

/// `openssl x509 -text -noout` of a PEM certificate.
private func opensslText(_ pem: String) throws -> String {
  let path = temporaryDirectory("x509") + ".crt"
  try pem.write(toFile: path, atomically: true, encoding: .utf8)
  defer { try? FileManager.default.removeItem(atPath: path) }
  let (status, out, err) = try runProgram(
    try openssl, ["x509", "-in", path, "-noout", "-text", "-startdate", "-enddate"])
  #expect(status == 0, "\(err)")
  return out
}

@Suite("flocker-ca profiles")
struct FlockerCATests {
  /// Made once; a CA that cannot be made fails each test that uses it, with the reason.
  static let madeCA = Result { try FlockerCA.initialize(name: "testcluster", keyBits: 2048) }
  static var ca: FlockerCA { get throws { try madeCA.get() } }

  @Test func caProfileIsVersion1WithExtensions() throws {
    let ca = try Self.ca
    #expect(ca.version == .v1)
    #expect(ca.privateKeyPEM.hasPrefix("-----BEGIN RSA PRIVATE KEY-----"))
    #expect(ca.certificatePEM.hasPrefix("-----BEGIN CERTIFICATE-----"))
    let summary = try CertificateSummary(pem: ca.certificatePEM)
    #expect(summary.commonName == "testcluster")
    #expect(summary.organizationalUnit == ca.clusterUUID)
    #expect(summary.version == .v1 && summary.isCertificateAuthority)
    let text = try opensslText(ca.certificatePEM)
    #expect(text.contains("Version: 1 (0x0)"))
    #expect(text.contains("Signature Algorithm: sha256WithRSAEncryption"))
    #expect(text.contains("Public-Key: (2048 bit)"))
    #expect(text.contains("X509v3 Basic Constraints: critical\n                CA:TRUE, pathlen:0"))
    #expect(text.contains("X509v3 Key Usage: critical\n                Certificate Sign, CRL Sign"))
    #expect(text.contains("X509v3 Subject Key Identifier"))
    #expect(text.contains("X509v3 Authority Key Identifier"))
    #expect(text.contains("Subject: OU = \(ca.clusterUUID), CN = testcluster"))
    #expect(text.contains("Issuer: OU = \(ca.clusterUUID), CN = testcluster"))
    // 7300 days of validity.
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "GMT")
    formatter.dateFormat = "MMM d HH:mm:ss yyyy 'GMT'"
    func date(_ key: String) -> Date? {
      let line = text.split(separator: "\n").first { $0.hasPrefix(key + "=") }
      return line.flatMap {
        formatter.date(
          from: $0.dropFirst(key.count + 1).split(separator: " ").filter { !$0.isEmpty }.joined(
            separator: " "))
      }
    }
    let start = try #require(date("notBefore"))
    let end = try #require(date("notAfter"))
    #expect(end.timeIntervalSince(start) == 7300 * 86400)
    // Serial: positive, 128 bits.
    let serialHex = ca.credential.serialNumberHex
    #expect(serialHex.count <= 34 && !serialHex.isEmpty)
  }

  @Test func controlNodeAndUserProfiles() throws {
    let ca = try Self.ca
    let control = try ca.issueControl(hostname: "127.0.0.1", keyBits: 2048)
    #expect(
      control.commonName == "control-service" && control.suggestedFileName == "control-127.0.0.1")
    let named = try ca.issueControl(hostname: "control.example.com", keyBits: 2048)
    let node = try ca.issueNode(keyBits: 2048)
    let nodeUUID = try #require(node.nodeUUID)
    #expect(isLowercaseUUIDv4(nodeUUID) && node.commonName == "node-" + nodeUUID)
    #expect(node.suggestedFileName == nodeUUID)
    let user = try ca.issueUser(name: "allison", keyBits: 2048)
    #expect(user.commonName == "user-allison" && user.suggestedFileName == "allison")
    for credential in [control, named, node, user] {
      let summary = try CertificateSummary(pem: credential.certificatePEM)
      #expect(summary.organizationalUnit == ca.clusterUUID)
      #expect(summary.version == .v1 && !summary.isCertificateAuthority)
      #expect(credential.privateKeyPEM.hasPrefix("-----BEGIN RSA PRIVATE KEY-----"))
    }
    let controlText = try opensslText(control.certificatePEM)
    #expect(controlText.contains("Version: 1 (0x0)"))
    #expect(controlText.contains("DNS:control-service, IP Address:127.0.0.1"))
    #expect(!controlText.contains("Key Usage"))
    #expect(
      try opensslText(named.certificatePEM).contains("DNS:control-service, DNS:control.example.com")
    )
    let nodeText = try opensslText(node.certificatePEM)
    #expect(!nodeText.contains("X509v3 extensions"))
    #expect(nodeText.contains("Subject: OU = \(ca.clusterUUID), CN = node-\(nodeUUID)"))
    let userText = try opensslText(user.certificatePEM)
    #expect(
      userText.contains(
        "X509v3 Extended Key Usage: \n                TLS Web Client Authentication"))
    #expect(!userText.contains("Extended Key Usage: critical"))
    #expect(userText.contains("Issuer: OU = \(ca.clusterUUID), CN = testcluster"))

    // OpenSSL 3 verifies the v1 chain (and only refuses it in -x509_strict mode).
    let directory = temporaryDirectory("verify")
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    try writeCredentialFiles(ca.credential, directory: directory)
    try writeCredentialFiles(control, directory: directory, name: "control-service")
    try writeCredentialFiles(user, directory: directory)
    let (ok, out, err) = try runProgram(
      try openssl,
      [
        "verify", "-CAfile", directory + "/cluster.crt", directory + "/control-service.crt",
        directory + "/allison.crt",
      ])
    #expect(ok == 0, "\(out)\(err)")
    let (clientOK, _, _) = try runProgram(
      try openssl,
      [
        "verify", "-purpose", "sslclient", "-CAfile", directory + "/cluster.crt",
        directory + "/allison.crt",
      ])
    #expect(clientOK == 0)
    let (strict, _, _) = try runProgram(
      try openssl,
      ["verify", "-x509_strict", "-CAfile", directory + "/cluster.crt", directory + "/allison.crt"])
    #expect(strict != 0)
  }

  @Test func version3CanBeRequested() throws {
    let ca = try FlockerCA.initialize(name: "v3", keyBits: 2048, version: .v3)
    let user = try ca.issueUser(name: "bob", keyBits: 2048)
    #expect(try CertificateSummary(pem: ca.certificatePEM).version == .v3)
    #expect(try CertificateSummary(pem: user.certificatePEM).version == .v3)
    #expect(try opensslText(user.certificatePEM).contains("Version: 3 (0x2)"))
  }

  @Test func loadRoundTripsAndChecksTheKey() throws {
    let loaded = try FlockerCA.load(
      certificatePEM: try Self.ca.certificatePEM, keyPEM: try Self.ca.privateKeyPEM)
    #expect(try loaded.clusterUUID == Self.ca.clusterUUID && loaded.name == "testcluster")
    let user = try loaded.issueUser(name: "carol", keyBits: 2048)
    let validator = try FlockerPeerValidator(caCertificatePEM: try Self.ca.certificatePEM)
    #expect(
      try validator.validate(leafDER: der(user.certificatePEM), commonNamePrefix: "user-")
        == "user-carol")
    let other = try FlockerCA.initialize(name: "other", keyBits: 2048)
    #expect(throws: FlockerPKIError.keyMismatch) {
      try FlockerCA.load(certificatePEM: try Self.ca.certificatePEM, keyPEM: other.privateKeyPEM)
    }
    #expect(throws: PeerValidationError.notIssuedByCluster) {
      try validator.validate(
        leafDER: der(try other.issueUser(name: "eve", keyBits: 2048).certificatePEM),
        commonNamePrefix: "user-")
    }
    let node = try loaded.issueNode(keyBits: 2048)
    #expect(throws: PeerValidationError.wrongCommonName(node.commonName, requiredPrefix: "user-")) {
      try validator.validate(leafDER: der(node.certificatePEM), commonNamePrefix: "user-")
    }
  }

  @Test func credentialFilesAreExclusiveAndPrivate() throws {
    let directory = temporaryDirectory("files")
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let user = try Self.ca.issueUser(name: "dave", keyBits: 2048)
    let paths = try writeCredentialFiles(user, directory: directory)
    #expect(paths.certificate == directory + "/dave.crt" && paths.key == directory + "/dave.key")
    for path in [paths.certificate, paths.key] {
      let attributes = try FileManager.default.attributesOfItem(atPath: path)
      #expect((attributes[.posixPermissions] as? Int) == 0o600)
    }
    #expect(try String(contentsOfFile: paths.key, encoding: .utf8) == user.privateKeyPEM)
    // Never overwrite: the error names the file, and nothing is written.
    try FileManager.default.removeItem(atPath: paths.certificate)
    let error = #expect(throws: FlockerPKIError.self) {
      try writeCredentialFiles(
        try Self.ca.issueUser(name: "dave", keyBits: 2048), directory: directory)
    }
    #expect(error == .fileExists(path: paths.key))
    #expect(error?.description.contains(paths.key) == true)
    #expect(!FileManager.default.fileExists(atPath: paths.certificate))
  }

  // flocker-ca's 4096-bit keys (the default of the sandbox and of `certs init`) are generated
  // and checked by the benchmark (Benchmarks/run.sh), the only place RSA-4096 keys are made:
  // seconds each in a debug build.
}

private func der(_ pem: String) -> [UInt8] {
  let base64 = pem.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
  return Array(Data(base64Encoded: base64)!)
}

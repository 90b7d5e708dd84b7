import Foundation
import FshPKI

@testable import FshKit

/// Certificate sets for the `certs` tests: CAs are made once (2048-bit keys), every test writes
/// its own files into a fresh 0700 directory.
enum CertFixtures {
  static let ca = try! FlockerCA.initialize(name: "cluster-a", keyBits: 2048, version: .v3)
  static let otherCA = try! FlockerCA.initialize(name: "cluster-a", keyBits: 2048, version: .v3)
  /// flocker-ca's own profile: X.509 v1 certificates carrying v3 extensions.
  static let v1CA = try! FlockerCA.initialize(name: "legacy", keyBits: 2048, version: .v1)
  static let user = try! ca.issueUser(name: "alice", keyBits: 2048)
  static let control = try! ca.issueControl(hostname: "10.0.0.5", keyBits: 2048)

  static func directory(_ label: String = "certs") -> String {
    let dir = FileManager.default.temporaryDirectory
      .appendingPathComponent("fsh-\(label)-\(UInt32.random(in: 0...UInt32.max))").path
    try! FileManager.default.createDirectory(
      atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    return dir
  }

  static func write(_ text: String, _ path: String, mode: Int = 0o600) {
    _ = FileManager.default.createFile(
      atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: mode])
    chmod(path, mode_t(mode))
  }

  /// A directory with cluster.crt, alice.crt/.key and control-service.crt, and the inputs of a
  /// client dialling `host:port`.
  struct ClientSet {
    var dir: String
    var inputs: CertificateCheckInputs

    var caPath: String { dir + "/cluster.crt" }
    var certPath: String { dir + "/alice.crt" }
    var keyPath: String { dir + "/alice.key" }
    var controlPath: String { dir + "/control-service.crt" }

    func run() -> [CertificateCheck] { CertificateChecks.offline(inputs) }
  }

  static func clientSet(
    ca: FlockerCA = CertFixtures.ca, user: IssuedCredential? = nil,
    control: IssuedCredential? = nil, host: String = "10.0.0.5", port: String = "4523"
  ) -> ClientSet {
    let dir = directory()
    let u = user ?? CertFixtures.user
    let c = control ?? CertFixtures.control
    write(ca.certificatePEM, dir + "/cluster.crt", mode: 0o644)
    write(u.certificatePEM, dir + "/alice.crt", mode: 0o644)
    write(u.privateKeyPEM, dir + "/alice.key")
    write(c.certificatePEM, dir + "/control-service.crt", mode: 0o644)
    var inputs = CertificateCheckInputs()
    inputs.caFile = dir + "/cluster.crt"
    inputs.certFile = dir + "/alice.crt"
    inputs.keyFile = dir + "/alice.key"
    inputs.controlCertificateFile = dir + "/control-service.crt"
    inputs.host = host
    inputs.port = port
    return ClientSet(dir: dir, inputs: inputs)
  }
}

extension Array where Element == CertificateCheck {
  func rows(_ id: String) -> [CertificateCheck] { filter { $0.id == id } }
  func status(_ id: String) -> CertificateCheck.Status? {
    let r = rows(id)
    if r.contains(where: { $0.status == .fail }) { return .fail }
    if r.contains(where: { $0.status == .warn }) { return .warn }
    return r.first?.status
  }
  var failures: [CertificateCheck] { filter { $0.status == .fail } }
  var summary: String {
    map { "\($0.id) \($0.status.rawValue) \($0.message)" }.joined(separator: "\n")
  }
}

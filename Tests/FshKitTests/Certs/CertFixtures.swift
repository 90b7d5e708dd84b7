import Foundation
import FshPKI
import Testing

@testable import FshKit
@testable import FshRuntime

/// Certificate sets for the `certs` tests: CAs are made once (2048-bit keys), every test writes
/// its own files into a fresh 0700 directory. Fixtures that cannot be made fail each test that
/// asks for them, with the reason (never the whole test process).
enum CertFixtures {
  private struct Made {
    let ca: FlockerCA
    let otherCA: FlockerCA
    let v1CA: FlockerCA
    let user: IssuedCredential
    let control: IssuedCredential
  }

  private static let made = Result {
    let ca = try FlockerCA.initialize(name: "cluster-a", keyBits: 2048, version: .v3)
    return Made(
      ca: ca,
      otherCA: try FlockerCA.initialize(name: "cluster-a", keyBits: 2048, version: .v3),
      v1CA: try FlockerCA.initialize(name: "legacy", keyBits: 2048, version: .v1),
      user: try ca.issueUser(name: "alice", keyBits: 2048),
      control: try ca.issueControl(hostname: "10.0.0.5", keyBits: 2048))
  }

  static var ca: FlockerCA { get throws { try made.get().ca } }
  /// Another CA with the same name (another key): not this cluster's.
  static var otherCA: FlockerCA { get throws { try made.get().otherCA } }
  /// flocker-ca's own profile: X.509 v1 certificates carrying v3 extensions.
  static var v1CA: FlockerCA { get throws { try made.get().v1CA } }
  static var user: IssuedCredential { get throws { try made.get().user } }
  static var control: IssuedCredential { get throws { try made.get().control } }

  static func directory(_ label: String = "certs") throws -> String {
    let dir = FileManager.default.temporaryDirectory
      .appendingPathComponent("fsh-\(label)-\(UUID().uuidString.prefix(8))").path
    try FileManager.default.createDirectory(
      atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    return dir
  }

  /// Writes `text` to `path` with `mode` (whatever the umask); throws when it cannot.
  static func write(_ text: String, _ path: String, mode: Int = 0o600) throws {
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    guard chmod(path, mode_t(mode)) == 0 else {
      throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path])
    }
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
    ca: FlockerCA? = nil, user: IssuedCredential? = nil, control: IssuedCredential? = nil,
    host: String = "10.0.0.5", port: String = "4523"
  ) throws -> ClientSet {
    let dir = try directory()
    let ca = try ca ?? CertFixtures.ca
    let u = try user ?? CertFixtures.user
    let c = try control ?? CertFixtures.control
    try write(ca.certificatePEM, dir + "/cluster.crt", mode: 0o644)
    try write(u.certificatePEM, dir + "/alice.crt", mode: 0o644)
    try write(u.privateKeyPEM, dir + "/alice.key")
    try write(c.certificatePEM, dir + "/control-service.crt", mode: 0o644)
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
  /// The first row `id`; a test without one fails, naming the rows it has.
  func row(_ id: String, sourceLocation: SourceLocation = #_sourceLocation) throws
    -> CertificateCheck
  {
    try #require(rows(id).first, "no \(id) row in:\n\(summary)", sourceLocation: sourceLocation)
  }
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

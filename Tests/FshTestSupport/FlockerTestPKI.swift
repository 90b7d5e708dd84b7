// The one test PKI: a Flocker cluster CA and the certificates the tests use, made once per test
// process, in memory and as named files. An RSA key takes about 0.2 s to generate in a debug
// build (a 4096-bit one seconds), and a sandbox makes three when its directory holds none: the
// tests that do not test key generation take these instead. Test-only keys, in temporary
// directories, never committed.
import Foundation
import FshPKI

/// The certificates every sandbox and client test can share: one cluster CA (X.509 v3, as a
/// sandbox makes it), its control service, API user and node certificates, and a second,
/// unrelated cluster for "not from this cluster" checks. 2048-bit keys, made once per test
/// process, the first time a test asks for them.
///
/// A test that checks key generation or the contents of what it issues keeps issuing its own.
public final class FlockerTestPKI: Sendable {
  /// RSA modulus size of every key here.
  public static let keyBits = 2048

  /// The cluster CA (CN `sandbox`, v3) of every pre-filled sandbox directory.
  public let ca: FlockerCA
  /// `control-service` for 127.0.0.1 (a sandbox's default host), signed by `ca`.
  public let control: IssuedCredential
  /// `user-admin` (a sandbox's default API user), signed by `ca`.
  public let admin: IssuedCredential
  /// A node agent certificate (`node-<uuid>`) signed by `ca`: the API refuses it.
  public let node: IssuedCredential
  /// Another cluster's CA (CN `other-cluster`, v3): trusted by no sandbox made from this PKI.
  public let strangerCA: FlockerCA
  /// `user-alice`, signed by `strangerCA`.
  public let strangerUser: IssuedCredential

  /// Why the PKI could not be made, as the error of every test that asks for it (no crash).
  private static let made = Result { try FlockerTestPKI() }

  /// The PKI of this test process; throws the reason when it could not be made.
  public static var shared: FlockerTestPKI { get throws { try made.get() } }

  private init() throws {
    ca = try FlockerCA.initialize(name: "sandbox", keyBits: Self.keyBits, version: .v3)
    control = try ca.issueControl(hostname: "127.0.0.1", keyBits: Self.keyBits)
    admin = try ca.issueUser(name: "admin", keyBits: Self.keyBits)
    node = try ca.issueNode(keyBits: Self.keyBits)
    strangerCA = try FlockerCA.initialize(
      name: "other-cluster", keyBits: Self.keyBits, version: .v3)
    strangerUser = try strangerCA.issueUser(name: "alice", keyBits: Self.keyBits)
  }

  /// Gives a sandbox directory the certificates a sandbox would otherwise generate there:
  /// `cluster.crt|.key`, `control-service.crt|.key` (for 127.0.0.1) and, for the user `admin`,
  /// `admin.crt|.key`; mode 0600, the directory (made when missing) 0700. A directory that
  /// already holds any of these files is left as it is: the sandbox reuses or refuses it.
  /// Another user's pair is left to the sandbox to issue.
  ///
  /// For an in-process `Sandbox` (its `options.directory`), `fsh sandbox serve --dir D` (D) and
  /// `fsh --sandbox` (`sandboxStateDirectory(home:)`).
  public static func fillSandboxDirectory(_ directory: String, userName: String = "admin") throws {
    try shared.fillSandboxDirectory(directory, userName: userName)
  }

  /// See the static `fillSandboxDirectory(_:userName:)`.
  public func fillSandboxDirectory(_ directory: String, userName: String = "admin") throws {
    let files = FileManager.default
    try files.createDirectory(
      atPath: directory, withIntermediateDirectories: true,
      attributes: [.posixPermissions: 0o700])
    let names = ["cluster", "control-service", userName]
    let present = names.flatMap { [$0 + ".crt", $0 + ".key"] }.filter {
      files.fileExists(atPath: directory + "/" + $0)
    }
    guard present.isEmpty else { return }
    try writeCredentialFiles(ca.credential, directory: directory, name: "cluster")
    try writeCredentialFiles(control, directory: directory, name: "control-service")
    if userName == "admin" {
      try writeCredentialFiles(admin, directory: directory, name: "admin")
    }
  }

  /// The sandbox state directory of `fsh --sandbox` run with `HOME=home` and no
  /// `XDG_STATE_HOME`: `<home>/.local/state/fsh/sandbox`.
  public static func sandboxStateDirectory(home: String) -> String {
    home + "/.local/state/fsh/sandbox"
  }
}

extension FlockerTestPKI {
  /// The test PKI as named files in one directory, for what reads certificates from files (the
  /// hostile server's python3, the fsh binary, the client's readers). Written once per test
  /// process, the first time a test asks; mode 0600 (the directory 0700). Each name is
  /// `<name>.crt` and `<name>.key`:
  ///
  /// - `cluster` (`ca`), `control-service` (`control`), `user-admin` (`admin`), `node` (`node`)
  /// - `other-ca` (`strangerCA`) and `rogue` (`strangerUser`, `user-alice` of the other cluster)
  /// - server certificates a control service must never present: `wrong-ca` (a control
  ///   certificate issued by `other-ca`), `wrong-name` (issued by `cluster`, CN `control-other`,
  ///   without the name `control-service`), `expired` (a control certificate of `cluster` that
  ///   expired in January 2020)
  public struct Files: Sendable {
    /// The directory that holds every file.
    public let directory: String

    /// `<directory>/<name>`.
    public func path(_ name: String) -> String { directory + "/" + name }
    /// The cluster CA certificate (`cluster.crt`).
    public var caFile: String { path("cluster.crt") }
    /// The API user certificate (`user-admin.crt`) and key.
    public var userCert: String { path("user-admin.crt") }
    public var userKey: String { path("user-admin.key") }
    /// The node certificate (`node.crt`) and key, which the API refuses.
    public var nodeCert: String { path("node.crt") }
    public var nodeKey: String { path("node.key") }

    fileprivate init(_ pki: FlockerTestPKI) throws {
      directory =
        NSTemporaryDirectory() + "fsh-test-pki-\(getpid())-\(UUID().uuidString.prefix(8))"
      try FileManager.default.createDirectory(
        atPath: directory, withIntermediateDirectories: true,
        attributes: [.posixPermissions: 0o700])
      let bits = FlockerTestPKI.keyBits
      let named: [(String, IssuedCredential)] = [
        ("cluster", pki.ca.credential), ("control-service", pki.control),
        ("user-admin", pki.admin), ("node", pki.node), ("other-ca", pki.strangerCA.credential),
        ("rogue", pki.strangerUser),
        ("wrong-ca", try pki.strangerCA.issueControl(hostname: "127.0.0.1", keyBits: bits)),
      ]
      for (name, credential) in named {
        try writeCredentialFiles(credential, directory: directory, name: name)
      }
      // The cluster CA issuing for January 2020: a control certificate long expired.
      var past = pki.ca
      past.validity = DateInterval(
        start: Date(timeIntervalSince1970: 1_577_836_800),
        end: Date(timeIntervalSince1970: 1_580_515_200))
      try writeCredentialFiles(
        try past.issueControl(hostname: "127.0.0.1", keyBits: bits), directory: directory,
        name: "expired")
      // FshPKI always names a control certificate control-service: this one is made by hand.
      let wrongName = try TestCertificates.certificate(
        subject: [("OU", pki.ca.clusterUUID), ("CN", "control-other")],
        keyPEM: pki.control.privateKeyPEM, issuerCertificatePEM: pki.ca.certificatePEM,
        signerKeyPEM: pki.ca.privateKeyPEM, notBefore: Date() - 3600,
        notAfter: Date() + 30 * 86400)
      try writeCredentialFiles(
        certificatePEM: wrongName, privateKeyPEM: pki.control.privateKeyPEM,
        directory: directory, name: "wrong-name")
    }
  }

  /// Why the files could not be written, as the error of every test that asks for them.
  private static let writtenFiles = Result { try Files(shared) }

  /// The files of this test process's PKI; throws the reason when they could not be written.
  public static var files: Files { get throws { try writtenFiles.get() } }
}

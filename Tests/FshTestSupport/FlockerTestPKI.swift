// The one test PKI: a Flocker cluster CA and the certificates the tests use, made once per test
// process. An RSA key takes about 0.2 s to generate in a debug build (a 4096-bit one seconds),
// and a sandbox makes three when its directory holds none: the tests that do not test key
// generation take these instead. Test-only keys, in temporary directories, never committed.
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

import Foundation
import FshPKI
import FshTestSupport
import Testing

@testable import FshSandbox

@Suite("Sandbox: flocker-ca certificates")
struct SandboxCertificateTests {
  static let madeCA = Result { try FlockerCA.initialize(name: "testcluster", keyBits: 2048) }
  static var ca: FlockerCA { get throws { try madeCA.get() } }

  /// flocker-ca's own certificates are X.509 v1 with extensions; a real control service
  /// (Twisted on OpenSSL) serves them, and so does the sandbox (OpenSSL too). BoringSSL, which
  /// served the sandbox before, refused them.
  @Test func sandboxServesFlockerCAVersion1Certificates() throws {
    let directory = temporaryDirectory("v1")
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let ca = try Self.ca
    #expect(ca.version == .v1)
    try writeCredentialFiles(ca.credential, directory: directory)
    try writeCredentialFiles(
      try ca.issueControl(hostname: "127.0.0.1", keyBits: 2048), directory: directory,
      name: "control-service")
    try writeCredentialFiles(try ca.issueUser(name: "admin", keyBits: 2048), directory: directory)
    let sandbox = try Sandbox(options: testOptions(directory: directory))
    try sandbox.start()
    defer { sandbox.stop() }
    let (status, out, err) = try runProgram(
      try RequiredTool.curl(),
      [
        "-sS", "--max-time", "10", "--cacert", sandbox.caCertificatePath, "--cert",
        sandbox.userCertificatePath, "--key", sandbox.userKeyPath, "-w", "\n%{http_code}",
        sandbox.baseURL + "/version",
      ])
    #expect(status == 0, "\(err)")
    #expect(out == "{\"flocker\": \"1.15.0\"}\n200")
  }
}

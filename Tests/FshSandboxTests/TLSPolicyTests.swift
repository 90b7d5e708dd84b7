import Foundation
import FshTestSupport
import Testing

@testable import FshSandbox

/// The handshake as the real control service makes it (Twisted 16.6, pyOpenSSL, OpenSSL 1.0.x):
/// TLS 1.2 at most, and a client certificate whose key usage allows client authentication.
/// curl and openssl are found through PATH; a missing one fails the test with the package name.
@Suite("TLS policy", .serialized, .blocking)
struct TLSPolicyTests {
  let directory = temporaryDirectory("tls-policy")
  let sandbox: Sandbox

  init() throws {
    sandbox = try Sandbox(options: testOptions(directory: directory, delay: 0.05))
    try sandbox.start()
  }

  /// The path of a tool on PATH; records an issue naming its Debian package when it is missing.
  func tool(_ name: String, package: String) throws -> String {
    for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(
      separator: ":")
    {
      let path = "\(dir)/\(name)"
      if FileManager.default.isExecutableFile(atPath: path) { return path }
    }
    Issue.record("'\(name)' is not on PATH: install the Debian package '\(package)'")
    throw CancellationError()
  }

  func get(_ extra: [String]) throws -> (Int32, String, String) {
    try runProgram(
      try tool("curl", package: "curl"),
      ["-sS", "--max-time", "10", "--cacert", sandbox.caCertificatePath, "-w", "\n%{http_code}"]
        + extra + [sandbox.baseURL + "/version"])
  }

  var user: [String] { ["--cert", sandbox.userCertificatePath, "--key", sandbox.userKeyPath] }

  @Test func tls13IsRefusedAndTls12Served() throws {
    defer { sandbox.stop() }
    let (refused, out, err) = try get(user + ["--tlsv1.3", "--tls-max", "1.3"])
    #expect(refused == 35, "curl exit \(refused): \(err)")  // CURLE_SSL_CONNECT_ERROR
    #expect(!out.contains("flocker"))
    let (served, body, servedErr) = try get(user + ["--tlsv1.2", "--tls-max", "1.2"])
    #expect(served == 0, "\(servedErr)")
    #expect(body.hasSuffix("\n200"))
  }

  /// Issues `CN=user-<name>` from the sandbox's CA with OpenSSL and the given extensions.
  func issue(_ name: String, extensions: String) throws -> [String] {
    let openssl = try tool("openssl", package: "openssl")
    let key = "\(directory)/\(name).key"
    let csr = "\(directory)/\(name).csr"
    let crt = "\(directory)/\(name).crt"
    let ext = "\(directory)/\(name).ext"
    try extensions.write(toFile: ext, atomically: true, encoding: .utf8)
    let (made, _, madeErr) = try runProgram(
      openssl,
      [
        "req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-subj",
        "/OU=\(sandbox.clusterUUID)/CN=user-\(name)", "-out", csr,
      ])
    try #require(made == 0, "\(madeErr)")
    let (signed, _, signErr) = try runProgram(
      openssl,
      [
        "x509", "-req", "-in", csr, "-CA", sandbox.caCertificatePath, "-CAkey",
        directory + "/cluster.key", "-set_serial", "4242", "-days", "2", "-extfile", ext,
        "-out", crt,
      ])
    try #require(signed == 0, "\(signErr)")
    return ["--cert", crt, "--key", key]
  }

  @Test func clientAuthenticationMustBeAllowedByTheKeyUsage() throws {
    defer { sandbox.stop() }
    // The same path with clientAuth is accepted: the refusals below are the key usage's doing.
    let good = try issue("alice", extensions: "extendedKeyUsage=clientAuth\n")
    let (accepted, _, acceptedErr) = try get(good)
    #expect(accepted == 0, "\(acceptedErr)")
    let serverOnly = try issue("mallory", extensions: "extendedKeyUsage=serverAuth\n")
    expectHandshakeRefused(try get(serverOnly), alert: "alert unsupported certificate")
    let signingOnly = try issue(
      "trent", extensions: "keyUsage=critical,keyCertSign\nextendedKeyUsage=clientAuth\n")
    expectHandshakeRefused(try get(signingOnly), alert: "alert unsupported certificate")
  }
}

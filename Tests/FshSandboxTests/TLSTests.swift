import Foundation
import FshPKI
import FshTestSupport
import Testing

@testable import FshSandbox

/// curl on PATH: a missing one fails every test here naming the package, never skips them.
private var curl: String { get throws { try RequiredTool.curl() } }

/// Real HTTPS on 127.0.0.1 with curl (OpenSSL) as the client.
@Suite("TLS server", .serialized, .blocking)
struct TLSTests {
  let directory = temporaryDirectory("tls")
  let sandbox: Sandbox

  init() throws {
    sandbox = try Sandbox(options: testOptions(directory: directory, delay: 0.05))
    try sandbox.start()
  }

  private func curlArguments(_ extra: [String]) -> [String] {
    ["-sS", "--max-time", "10", "--cacert", sandbox.caCertificatePath] + extra
  }

  private var userCertificate: [String] {
    ["--cert", sandbox.userCertificatePath, "--key", sandbox.userKeyPath]
  }

  @Test func userCertificateGetsVersion() throws {
    defer { sandbox.stop() }
    #expect(sandbox.port > 0)
    let (status, out, err) = try runProgram(
      try curl,
      curlArguments(userCertificate + ["-w", "\n%{http_code}", sandbox.baseURL + "/version"]))
    #expect(status == 0, "\(err)")
    #expect(out == "{\"flocker\": \"1.15.0\"}\n200")
  }

  @Test func createAndConvergeOverHTTPS() throws {
    defer { sandbox.stop() }
    let node = sandbox.nodes[0].uuid
    let (status, out, err) = try runProgram(
      try curl,
      curlArguments(
        userCertificate + [
          "-H", "Content-Type: application/json", "-d", #"{"primary": "\#(node)"}"#, "-w",
          "\n%{http_code}", sandbox.baseURL + "/configuration/datasets",
        ]))
    #expect(status == 0, "\(err)")
    #expect(out.hasSuffix("\n201"))
    // Three steps of 0.05 s; read until the state says so, with a 30 s hang guard (not a
    // fixed wait that a loaded machine can outrun).
    var state = ""
    let deadline = Date().addingTimeInterval(30)
    while !state.contains(#""primary": "\#(node)""#) && Date() < deadline {
      usleep(20_000)
      state = try runProgram(
        try curl, curlArguments(userCertificate + [sandbox.baseURL + "/state/datasets"])
      ).1
    }
    #expect(state.contains(#""primary": "\#(node)""#), "\(state)")
  }

  @Test func keepAliveReusesOneConnection() throws {
    defer { sandbox.stop() }
    let url = sandbox.baseURL + "/configuration/datasets"
    let (status, out, err) = try runProgram(
      try curl,
      curlArguments(
        userCertificate + [
          "-o", "/dev/null", "-o", "/dev/null", "-w", "%{num_connects}\n", url, url,
        ]
      ))
    #expect(status == 0, "\(err)")
    #expect(out == "1\n0\n")
  }

  @Test func nodeCertificateIsRefused() throws {
    defer { sandbox.stop() }
    let ca = try FlockerCA.load(
      certificatePEM: String(contentsOfFile: directory + "/cluster.crt", encoding: .utf8),
      keyPEM: String(contentsOfFile: directory + "/cluster.key", encoding: .utf8), version: .v3)
    let node = try ca.issueNode(keyBits: 2048)
    try writeCredentialFiles(node, directory: directory, name: "node")
    let refused = try runProgram(
      try curl,
      curlArguments([
        "--cert", directory + "/node.crt", "--key", directory + "/node.key", "-w", "%{http_code}",
        sandbox.baseURL + "/version",
      ]))
    // Flocker's own check (the CN must start with "user-") rejects it.
    expectHandshakeRefused(refused, alert: "alert bad certificate")
    // A user certificate from another cluster is refused too: OpenSSL's unknown issuer.
    let other = try FlockerCA.initialize(name: "other", keyBits: 2048, version: .v3)
    try writeCredentialFiles(try other.issueUser(name: "eve", keyBits: 2048), directory: directory)
    let otherRefused = try runProgram(
      try curl,
      curlArguments([
        "--cert", directory + "/eve.crt", "--key", directory + "/eve.key",
        sandbox.baseURL + "/version",
      ]))
    expectHandshakeRefused(otherRefused, alert: "alert unknown ca")
  }

  @Test func missingClientCertificateIsRefused() throws {
    defer { sandbox.stop() }
    let refused = try runProgram(
      try curl, curlArguments(["-w", "%{http_code}", sandbox.baseURL + "/version"]))
    // Without a client certificate the handshake itself fails (the server requires one).
    expectHandshakeRefused(refused, alert: "alert handshake failure")
  }

  @Test func droppedAndFailedRequests() throws {
    defer { sandbox.stop() }
    sandbox.faults = SandboxFaults(dropEvery: 1)
    let (dropped, _, droppedErr) = try runProgram(
      try curl, curlArguments(userCertificate + [sandbox.baseURL + "/version"]))
    // The handshake succeeds; the connection closes without an answer.
    #expect(dropped == 52, "\(droppedErr)")
    #expect(droppedErr.contains("Empty reply from server"), "\(droppedErr)")
    sandbox.faults = SandboxFaults(failEvery: 1)
    let (status, out, _) = try runProgram(
      try curl,
      curlArguments(userCertificate + ["-w", "\n%{http_code}", sandbox.baseURL + "/version"]))
    #expect(status == 0 && out.hasSuffix("\n500") && out.hasPrefix("\""))
  }
}

/// curl's exit and message for a handshake the server refused: exit 35 (CURLE_SSL_CONNECT_ERROR),
/// the TLS alert the server sent, and no answer at all (`-w %{http_code}` gives 000).
func expectHandshakeRefused(
  _ result: (Int32, String, String), alert: String,
  sourceLocation: SourceLocation = #_sourceLocation
) {
  let (status, out, err) = result
  #expect(status == 35, "curl exit \(status): \(err)", sourceLocation: sourceLocation)
  #expect(err.contains(alert), "\(err)", sourceLocation: sourceLocation)
  #expect(
    !out.contains("flocker") && !out.contains("200"), "\(out)", sourceLocation: sourceLocation)
}

import Foundation
import FshTestSupport
import Testing

/// The sandbox through the binary: `--sandbox -c version`, and `fsh sandbox serve` in one
/// process reached from another with the printed environment.
@Suite(.serialized, .blocking) struct SandboxBinaryTests {
  @Test func sandboxFlagPrintsTheVersionOverMutualTLS() throws {
    let r = try BinaryTests.run(
      ["--sandbox", "-c", "version -o json"], env: ["HOME": try BinaryTests.sandboxHome()])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains("\"flocker\": \"1.15.0\""))
  }

  @Test func serveInOneProcessUseFromAnother() throws {
    let sandbox = try ServedSandbox(flags: [])
    let env = sandbox.environment
    let dir = sandbox.directory
    let r = try BinaryTests.run(["-c", "version; nodes -o json"], env: env)
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains("1.15.0"))
    #expect(r.stdout.contains("\"host\": \"10.0.0.1\""))
    // Without a user- certificate the sandbox refuses, with a clear message.
    var bad = env
    bad["FLOCKER_CONTROL_SERVICE_CLIENT_CERT_FILE"] = env["FLOCKER_CONTROL_SERVICE_CA_FILE"]
    bad["FLOCKER_CONTROL_SERVICE_CLIENT_KEY_FILE"] = dir + "/cluster.key"
    let refused = try BinaryTests.run(["-c", "version"], env: bad)
    #expect(refused.status == 1)
    #expect(refused.stderr.contains("error:"))
    #expect(refused.stderr.lowercased().contains("certificate"))
  }
}

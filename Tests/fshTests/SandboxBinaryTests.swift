import Foundation
import Testing

/// The sandbox through the binary: `--sandbox -c version`, and `fsh sandbox serve` in one
/// process reached from another with the printed environment.
@Suite(.serialized) struct SandboxBinaryTests {
  @Test func sandboxFlagPrintsTheVersionOverMutualTLS() throws {
    let r = try BinaryTests.run(["--sandbox", "-c", "version -o json"])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains("\"flocker\": \"1.15.0\""))
  }

  @Test func serveInOneProcessUseFromAnother() throws {
    let dir = BinaryTests.tempHome() + "/sandbox"
    let p = Process()
    p.executableURL = URL(fileURLWithPath: BinaryTests.binary)
    p.arguments = [
      "sandbox", "serve", "--port", "0", "--dir", dir, "--key-bits", "2048", "--delay", "0.1",
    ]
    p.environment = ["HOME": BinaryTests.tempHome(), "PATH": "/usr/bin:/bin"]
    let out = Pipe()
    p.standardOutput = out
    p.standardError = FileHandle.nullDevice
    try p.run()
    defer {
      p.terminate()
      p.waitUntilExit()
    }
    // Read the export lines as they are printed.
    var env: [String: String] = [:]
    var buffer = ""
    let deadline = Date().addingTimeInterval(60)
    while env.count < 5 && Date() < deadline {
      let chunk = out.fileHandleForReading.availableData
      if chunk.isEmpty { break }
      buffer += String(decoding: chunk, as: UTF8.self)
      for line in buffer.split(separator: "\n") where line.hasPrefix("export ") {
        let kv = line.dropFirst("export ".count)
        if let eq = kv.firstIndex(of: "=") {
          env[String(kv[..<eq])] = String(kv[kv.index(after: eq)...]).trimmingCharacters(
            in: CharacterSet(charactersIn: "'"))
        }
      }
    }
    #expect(env.count == 5, "printed: \(buffer)")
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

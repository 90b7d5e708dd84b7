import Foundation
import Testing

/// Every `examples/*.fsh` against a sandbox served by the binary, as an operator would run them.
@Suite(.serialized) struct ExamplesTests {
  static let examples = DocsTests.root.appendingPathComponent("examples").path

  /// Starts `fsh sandbox serve` and returns its environment and a stop function.
  static func serve() throws -> (env: [String: String], stop: () -> Void) {
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
          env[String(kv[..<eq])] = String(kv[kv.index(after: eq)...])
            .trimmingCharacters(in: CharacterSet(charactersIn: "'"))
        }
      }
    }
    return (
      env,
      {
        p.terminate(); p.waitUntilExit()
      }
    )
  }

  @Test func examplesRunAgainstTheSandbox() throws {
    let (env, stop) = try Self.serve()
    defer { stop() }
    #expect(env.count == 5)
    func run(_ name: String, _ args: [String] = []) throws -> BinaryTests.Run {
      try BinaryTests.run([Self.examples + "/" + name] + args, env: env)
    }

    var r = try run("provision.fsh", ["shop", "10.0.0.2", "1G"])
    #expect(r.status == 0, "\(r.stderr)")
    for part in ["data", "logs", "cache"] {
      #expect(r.stdout.contains("shop-\(part): attached on 10.0.0.2 at /flocker/"), "\(r.stdout)")
    }
    r = try run("provision.fsh", ["shop", "10.0.0.2", "1G"])
    #expect(r.stdout.contains("shop-data exists already"))
    r = try run("provision.fsh")
    #expect(r.status == 2)

    r = try run("audit.fsh")
    #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
    #expect(r.stdout.contains("audit: 3 datasets, no duplicate names, none pending"))

    r = try run("drain.fsh", ["10.0.0.2"])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains("drained 10.0.0.2"))
    let left = try BinaryTests.run(["-c", "datasets on 10.0.0.2 -o json"], env: env)
    #expect(left.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "[]", "\(left.stdout)")
    let moved = try BinaryTests.run(["-c", "datasets status attached -o json"], env: env)
    #expect(moved.stdout.components(separatedBy: "\"status\": \"attached\"").count - 1 == 3)

    _ = try BinaryTests.run(["-c", "create shop-data 1G on 10.0.0.1 --force"], env: env)
    r = try run("audit.fsh")
    #expect(r.status == 1)
    #expect(r.stdout.contains("duplicate name 'shop-data'"))

    r = try run("node-env.fsh")
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.components(separatedBy: "# ---- node ").count - 1 == 3)
    #expect(r.stdout.contains("FLOCKER_CONTROL_SERVICE_HOST=127.0.0.1"))
  }
}

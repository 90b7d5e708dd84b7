import Foundation

/// `fsh sandbox serve` in its own process, with the environment it prints.
final class ServedSandbox: @unchecked Sendable {
  let process = Process()
  let directory: String
  private(set) var environment: [String: String] = [:]

  /// `env` adds to the process's environment (`--from .` reads the cluster it names). The other
  /// parameters are `fsh sandbox serve`'s flags (nil keeps the sandbox's default):
  /// `stateExpiry` (`--state-expiry`, Flocker's 120 s), `paceScale` (`--pace upstream
  /// --pace-scale`; nil = `--pace fixed` with 0.1 s steps), `maxVolumeSize`, and `kindReports`
  /// (kinder than Flocker: every unmounted volume always listed).
  init(
    flags: [String], directory: String? = nil, env: [String: String] = [:],
    stateExpiry: Double? = nil, paceScale: Double? = nil, maxVolumeSize: Int64? = nil,
    kindReports: Bool = false
  ) throws {
    self.directory = directory ?? (BinaryTests.tempHome() + "/sandbox")
    process.executableURL = URL(fileURLWithPath: BinaryTests.binary)
    var options: [String] = []
    if let stateExpiry { options += ["--state-expiry", String(stateExpiry)] }
    if let paceScale { options += ["--pace", "upstream", "--pace-scale", String(paceScale)] }
    if let maxVolumeSize { options += ["--max-volume-size", String(maxVolumeSize)] }
    if kindReports { options.append("--kind-reports") }
    process.arguments =
      [
        "sandbox", "serve", "--port", "0", "--dir", self.directory, "--key-bits", "2048",
        "--delay", "0.1",
      ] + options + flags
    process.environment = ["HOME": BinaryTests.tempHome(), "PATH": "/usr/bin:/bin"].merging(
      env, uniquingKeysWith: { _, given in given })
    let out = Pipe()
    process.standardOutput = out
    process.standardError = FileHandle.nullDevice
    try process.run()
    var buffer = ""
    let deadline = Date().addingTimeInterval(60)
    while environment.count < 5 && Date() < deadline {
      let chunk = out.fileHandleForReading.availableData
      if chunk.isEmpty { break }
      buffer += String(decoding: chunk, as: UTF8.self)
      for line in buffer.split(separator: "\n") where line.hasPrefix("export ") {
        let kv = line.dropFirst("export ".count)
        if let eq = kv.firstIndex(of: "=") {
          environment[String(kv[..<eq])] = String(kv[kv.index(after: eq)...])
            .trimmingCharacters(in: CharacterSet(charactersIn: "'"))
        }
      }
    }
    guard environment.count == 5 else {
      throw NSError(domain: "ServedSandbox", code: 1, userInfo: [NSLocalizedDescriptionKey: buffer])
    }
  }

  var pid: Int32 { process.processIdentifier }

  /// Kills `fsh sandbox serve` with SIGKILL and waits (at most 30 s) until it has exited.
  /// Not `waitUntilExit`: Foundation learns of the exit through a descriptor the child
  /// inherited, so a grandchild that outlives fsh (the failure a test looks for) would keep
  /// that wait from ever returning.
  func kill9() {
    let pid = process.processIdentifier
    kill(pid, SIGKILL)
    let deadline = Date().addingTimeInterval(30)
    while SandboxProcessTests.alive(pid) && Date() < deadline { usleep(10_000) }
  }

  deinit {
    if process.isRunning {
      process.terminate()
      process.waitUntilExit()
    }
  }
}

import Foundation
import FshTestSupport

/// `fsh sandbox serve` in its own process, with the environment it prints. Its directory gets
/// the test PKI's certificates first (`FlockerTestPKI`), so the sandbox generates no keys.
final class ServedSandbox: @unchecked Sendable {
  /// Why a sandbox did not start: what it printed, and how it ended if it did.
  struct StartFailure: Error, CustomStringConvertible {
    let description: String
  }

  let process = Process()
  let directory: String
  private(set) var environment: [String: String] = [:]

  /// `env` adds to the process's environment (`--from .` reads the cluster it names). The other
  /// parameters are `fsh sandbox serve`'s flags (nil keeps the sandbox's default):
  /// `stateExpiry` (`--state-expiry`, Flocker's 120 s), `paceScale` (`--pace upstream
  /// --pace-scale`; nil = `--pace fixed` with 0.1 s steps), `maxVolumeSize`, and `kindReports`
  /// (kinder than Flocker: every unmounted volume always listed). A directory that already
  /// holds certificates (a restart on it) keeps them.
  init(
    flags: [String], directory: String? = nil, env: [String: String] = [:],
    stateExpiry: Double? = nil, paceScale: Double? = nil, maxVolumeSize: Int64? = nil,
    kindReports: Bool = false
  ) throws {
    self.directory = directory ?? (BinaryTests.tempHome() + "/sandbox")
    try FlockerTestPKI.fillSandboxDirectory(self.directory)
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
    let home = BinaryTests.tempHome()
    process.environment = ["HOME": home, "PATH": "/usr/bin:/bin"].merging(
      env, uniquingKeysWith: { _, given in given })
    let out = Pipe()
    process.standardOutput = out
    // Standard error to a file, so that a sandbox that does not start says why.
    let errorPath = home + "/serve.err"
    guard FileManager.default.createFile(atPath: errorPath, contents: nil),
      let errorFile = FileHandle(forWritingAtPath: errorPath)
    else { throw StartFailure(description: "cannot create \(errorPath)") }
    process.standardError = errorFile
    try process.run()
    try? errorFile.close()
    // Hang guard: 60 s to print its five variables (a 2-core machine shared with builds).
    var buffer = ""
    let deadline = Date().addingTimeInterval(60)
    let descriptor = out.fileHandleForReading.fileDescriptor
    var ended = false
    while environment.count < 5 && !ended && Date() < deadline {
      var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
      guard poll(&poller, 1, 100) > 0 else { continue }
      var chunk = [UInt8](repeating: 0, count: 4096)
      let count = read(descriptor, &chunk, chunk.count)
      if count <= 0 {
        ended = true
        break
      }
      buffer += String(decoding: chunk[..<count], as: UTF8.self)
      for line in buffer.split(separator: "\n") where line.hasPrefix("export ") {
        let kv = line.dropFirst("export ".count)
        if let eq = kv.firstIndex(of: "=") {
          environment[String(kv[..<eq])] = String(kv[kv.index(after: eq)...])
            .trimmingCharacters(in: CharacterSet(charactersIn: "'"))
        }
      }
    }
    guard environment.count == 5 else {
      let stderr = (try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? ""
      let how =
        ended
        ? "it closed its output (exit status \(exitStatus().map(String.init) ?? "unknown"))"
        : "it printed no five variables within 60 s"
      if process.isRunning { process.terminate() }
      throw StartFailure(
        description:
          "fsh sandbox serve --dir \(self.directory) did not start: \(how)\n"
          + "stdout: \(buffer)\nstderr: \(stderr)")
    }
  }

  var pid: Int32 { process.processIdentifier }

  /// The exit status once the process has ended (waiting at most 5 s for it), else nil.
  private func exitStatus() -> Int32? {
    let deadline = Date().addingTimeInterval(5)
    while process.isRunning && Date() < deadline { usleep(10_000) }
    return process.isRunning ? nil : process.terminationStatus
  }

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

extension BinaryTests {
  /// A fresh HOME whose `fsh --sandbox` state directory already holds the test PKI's
  /// certificates: the sandbox it starts generates no keys (it would make 4096-bit ones).
  static func sandboxHome() throws -> String {
    let home = tempHome()
    try FlockerTestPKI.fillSandboxDirectory(FlockerTestPKI.sandboxStateDirectory(home: home))
    return home
  }
}

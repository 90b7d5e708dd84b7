import Foundation
import FshTestSupport
import Testing

/// fsh and the `fsh-sandbox` child: found beside fsh, a clear error when it is missing or dies,
/// and never a child that outlives fsh.
@Suite(.blocking) struct SandboxProcessTests {
  /// A directory holding a copy of fsh and, when given, an `fsh-sandbox` script beside it.
  static func install(sandboxScript: String?) throws -> String {
    let dir = BinaryTests.tempHome() + "/bin"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    try FileManager.default.copyItem(atPath: BinaryTests.binary, toPath: dir + "/fsh")
    if let sandboxScript {
      try sandboxScript.write(toFile: dir + "/fsh-sandbox", atomically: true, encoding: .utf8)
      chmod(dir + "/fsh-sandbox", 0o755)
    }
    return dir
  }

  /// Runs `fsh` with the arguments; fails the test instead of hanging past `seconds`.
  /// (A generous bound: the whole suite runs in parallel on two cores.)
  static func run(_ fsh: String, _ args: [String], seconds: Double = 180) throws -> BinaryTests.Run
  {
    // Files, not pipes: a stray grandchild holding them open cannot block the reading.
    let outPath = BinaryTests.tempHome() + "/out"
    let errPath = BinaryTests.tempHome() + "/err"
    _ = FileManager.default.createFile(atPath: outPath, contents: nil)
    _ = FileManager.default.createFile(atPath: errPath, contents: nil)
    // The copy of fsh was just written: a process another test forks meanwhile inherits the
    // write descriptor until it execs, and exec then fails with ETXTBSY. Tried again (with a
    // new Process) for 10 s.
    var tries = 0
    var started: Process?
    while started == nil {
      let p = Process()
      p.executableURL = URL(fileURLWithPath: fsh)
      p.arguments = args
      p.environment = ["HOME": BinaryTests.tempHome(), "PATH": "/usr/bin:/bin", "NO_COLOR": "1"]
      p.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
      p.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
      p.standardInput = FileHandle.nullDevice
      do {
        try p.run()
        started = p
      } catch let e as NSError
        where (e.userInfo[NSUnderlyingErrorKey] as? NSError)?.code == Int(ETXTBSY) && tries < 200
      {
        tries += 1
        usleep(50_000)
      }
    }
    let p = started!
    let deadline = Date().addingTimeInterval(seconds)
    while p.isRunning && Date() < deadline { usleep(20_000) }
    let hung = p.isRunning
    if hung { kill(p.processIdentifier, SIGKILL) }
    p.waitUntilExit()
    #expect(!hung, "fsh \(args) did not end within \(seconds) s")
    return BinaryTests.Run(
      status: p.terminationStatus,
      stdout: (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "",
      stderr: (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "")
  }

  /// The child processes of `pid`.
  static func children(of pid: Int32) -> [Int32] {
    let text = (try? String(contentsOfFile: "/proc/\(pid)/task/\(pid)/children", encoding: .utf8))
    return (text ?? "").split(separator: " ").compactMap { Int32($0) }
  }

  static func alive(_ pid: Int32) -> Bool {
    // A zombie has exited; only its parent's wait is missing.
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else {
      return false
    }
    return !stat.contains(") Z ")
  }

  @Test func aMissingSandboxExecutableIsAClearError() throws {
    let dir = try Self.install(sandboxScript: nil)
    let r = try Self.run(dir + "/fsh", ["--sandbox", "-c", "version"])
    #expect(r.status == 2)
    #expect(r.stderr.contains("'fsh-sandbox' is not installed"), "\(r.stderr)")
    #expect(r.stderr.contains("beside fsh"))
    #expect(r.stderr.contains("scripts/install"))
    let serve = try Self.run(dir + "/fsh", ["sandbox", "serve", "--port", "0"])
    #expect(serve.status != 0)
    #expect(serve.stderr.contains("'fsh-sandbox' is not installed"), "\(serve.stderr)")
  }

  @Test func aSandboxThatDiesBeforeItIsReadyIsAClearError() throws {
    let dir = try Self.install(sandboxScript: "#!/bin/sh\nexit 3\n")
    let r = try Self.run(dir + "/fsh", ["--sandbox", "-c", "version"])
    #expect(r.status == 2)
    #expect(r.stderr.contains("exited with status 3 before it was ready"), "\(r.stderr)")
    let garbled = try Self.install(sandboxScript: "#!/bin/sh\necho '{not json'\nexec sleep 600\n")
    let g = try Self.run(garbled + "/fsh", ["--sandbox", "-c", "version"])
    #expect(g.status == 2)
    #expect(g.stderr.contains("before it was ready"), "\(g.stderr)")
  }

  @Test func aServedSandboxWhoseChildIsKilledEndsWithAClearError() throws {
    let sandbox = try ServedSandbox(flags: [])
    let child = try #require(Self.children(of: sandbox.pid).first)
    kill(child, SIGKILL)
    let deadline = Date().addingTimeInterval(120)
    while sandbox.process.isRunning && Date() < deadline { usleep(20_000) }
    let running = sandbox.process.isRunning
    #expect(!running, "fsh sandbox serve went on without its child")
    if !running { #expect(sandbox.process.terminationStatus != 0) }
  }

  @Test func theChildDoesNotOutliveAKilledFsh() throws {
    let sandbox = try ServedSandbox(flags: [])
    let child = try #require(Self.children(of: sandbox.pid).first)
    #expect(Self.alive(child))
    sandbox.kill9()
    let deadline = Date().addingTimeInterval(120)
    while Self.alive(child) && Date() < deadline { usleep(20_000) }
    let outlived = Self.alive(child)
    #expect(!outlived, "fsh-sandbox outlived fsh killed with SIGKILL")
    // A child that outlived fsh still holds the test runner's output open: kill it, so the
    // failure is reported instead of `swift test` waiting for it.
    if outlived { kill(child, SIGKILL) }
  }
}

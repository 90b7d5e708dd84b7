// The fault matrix (docs/reliability.md): for each fault, the fsh binary runs a script of
// `version`, `datasets`, `create` and `wait` against a misbehaving control service. Every
// command must end within its timeout with an error that names the cause, the process must not
// crash and its peak memory (VmHWM) must stay bounded, and the script must stop at the right
// line with exit status 1.
import Foundation
import FshTestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// A run of the binary with its wall time and peak resident memory.
struct MeasuredRun {
  var status: Int32
  var signalled: Bool
  var stdout: String
  var stderr: String
  var seconds: Double
  /// Killed by the hang guard.
  var hung = false
  /// Peak resident set (VmHWM) in KiB, sampled from /proc while the process ran.
  var peakKiB: Int
}

enum Measure {
  static func peakKiB(_ pid: Int32) -> Int? {
    guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else {
      return nil
    }
    for line in text.split(separator: "\n") where line.hasPrefix("VmHWM:") {
      return Int(
        line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
    }
    return nil
  }

  /// Runs fsh, sampling its VmHWM every 10 ms (VmHWM only grows, so the last sample is within
  /// 10 ms of the peak).
  /// The hang guard: a run still going after this long is killed and reported as hung.
  static let hangGuard = 60.0

  static func run(_ args: [String], env: [String: String], timeout: Double = hangGuard) throws
    -> MeasuredRun
  {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: BinaryTests.binary)
    p.arguments = args
    var e = ["HOME": BinaryTests.tempHome(), "PATH": "/usr/bin:/bin", "NO_COLOR": "1"]
    for (k, v) in env { e[k] = v }
    p.environment = e
    let outFile = BinaryTests.tempHome() + "/out"
    let errFile = outFile + ".err"
    _ = FileManager.default.createFile(atPath: outFile, contents: nil)
    _ = FileManager.default.createFile(atPath: errFile, contents: nil)
    p.standardOutput = FileHandle(forWritingAtPath: outFile)
    p.standardError = FileHandle(forWritingAtPath: errFile)
    p.standardInput = FileHandle.nullDevice
    let start = Date()
    try p.run()
    var peak = 0
    var hung = false
    while p.isRunning {
      if let k = peakKiB(p.processIdentifier) { peak = max(peak, k) }
      if Date().timeIntervalSince(start) > timeout {
        hung = true
        kill(p.processIdentifier, SIGKILL)
      }
      usleep(10_000)
    }
    p.waitUntilExit()
    return MeasuredRun(
      status: p.terminationStatus, signalled: p.terminationReason == .uncaughtSignal,
      stdout: (try? String(contentsOfFile: outFile, encoding: .utf8)) ?? "",
      stderr: (try? String(contentsOfFile: errFile, encoding: .utf8)) ?? "",
      seconds: Date().timeIntervalSince(start), hung: hung, peakKiB: peak)
  }
}

/// One row of the matrix: a fault and what the error must say (any of the phrases).
struct Fault: CustomStringConvertible, Sendable {
  var name: String
  var cause: [String]
  var description: String { name }
}

@Suite("Reliability: fault matrix", .blocking)
struct ReliabilityFaultMatrixTests {
  /// Timeouts of the matrix script, so that every row is quick.
  static let timeout = 1.0

  static let script = """
    set timeout 1s
    set connect-timeout 1s
    try version
    echo "version $? $error.message"
    try datasets
    echo "datasets $? $error.message"
    try create web 1G on 0e6c5f0a
    echo "create $? $error.message"
    try wait web attached timeout 2s
    echo "wait $? $error.message"
    datasets
    echo never
    """
  /// The line where the script must stop.
  static let stopLine = 11

  static let hostile: [Fault] = [
    Fault(name: "latency", cause: ["request timeout"]),
    Fault(name: "bare500", cause: ["incident '7d2c1f7a-0b7e-4d3c-9a1b-2c3d4e5f6a7b'"]),
    Fault(name: "drop-before", cause: ["closed the connection before answering"]),
    Fault(name: "drop-mid", cause: ["was cut off before its end"]),
    Fault(name: "truncated", cause: ["not valid json", "lacks the field", "unexpected value"]),
    Fault(name: "invalid", cause: ["not valid json", "unexpected value"]),
    // On a loaded machine the 20 MB may not all arrive within the script's 1 s: either way a
    // clear error.
    Fault(name: "huge-array", cause: ["unexpected value", "larger than", "request timeout"]),
    Fault(name: "endless", cause: ["larger than", "request timeout"]),
    Fault(name: "trickle", cause: ["request timeout"]),
    Fault(name: "silent", cause: ["timed out after 1 s (connect timeout)"]),
    Fault(name: "wrong-ca", cause: ["does not trust"]),
    Fault(name: "expired", cause: ["has expired"]),
    Fault(name: "wrong-name", cause: ["does not carry the name 'control-service'"]),
  ]

  /// Peak memory allowed to the fsh process in any row (a debug build idles at about 30 MiB).
  static let memoryLimitMiB = 256

  static func check(
    _ fault: Fault, _ r: MeasuredRun, sourceLocation: SourceLocation = #_sourceLocation
  ) {
    let context: Comment =
      "[\(fault.name)] \(String(format: "%.1f", r.seconds)) s, \(r.peakKiB / 1024) MiB\nstdout: \(r.stdout)\nstderr: \(r.stderr)"
    #expect(!r.signalled, "crashed: \(context)", sourceLocation: sourceLocation)
    #expect(r.status == 1, context, sourceLocation: sourceLocation)
    // Each command ended on its own: the cause names its timeout. The run's only clock is the
    // hang guard in `Measure.run` (60 s, ten times the ~6 s the script may take).
    #expect(
      !r.hung, "hang guard: killed after \(Measure.hangGuard) s: \(context)",
      sourceLocation: sourceLocation)
    #expect(
      r.peakKiB > 0 && r.peakKiB < memoryLimitMiB * 1024, context, sourceLocation: sourceLocation)
    let lines = r.stdout.split(separator: "\n").map(String.init)
    for (i, command) in ["version", "datasets", "create", "wait"].enumerated() {
      guard i < lines.count else {
        Issue.record("no line for \(command): \(context)", sourceLocation: sourceLocation)
        continue
      }
      #expect(lines[i].hasPrefix("\(command) 1 "), context, sourceLocation: sourceLocation)
      #expect(
        fault.cause.contains { lines[i].lowercased().contains($0.lowercased()) },
        "\(command): \(lines[i])", sourceLocation: sourceLocation)
    }
    #expect(!r.stdout.contains("never"), context, sourceLocation: sourceLocation)
    #expect(
      r.stderr.contains("matrix.fsh:\(stopLine):1: error: "), context,
      sourceLocation: sourceLocation)
    #expect(
      fault.cause.contains { r.stderr.lowercased().contains($0.lowercased()) }, context,
      sourceLocation: sourceLocation)
  }

  static func scriptFile() throws -> String {
    let path = BinaryTests.tempHome() + "/matrix.fsh"
    try script.write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  @Test(arguments: hostile)
  func hostileServer(_ fault: Fault) throws {
    let server = try HostileServer(mode: fault.name)
    let r = try Measure.run([try Self.scriptFile()], env: server.environment)
    Self.check(fault, r)
    print(
      "fault-matrix \(fault.name): exit \(r.status), \(String(format: "%.2f", r.seconds)) s, peak \(r.peakKiB / 1024) MiB"
    )
  }

  static let sandbox: [(Fault, [String])] = [
    (Fault(name: "sandbox --latency 3", cause: ["request timeout"]), ["--latency", "3"]),
    (Fault(name: "sandbox --fail-every 1", cause: ["incident"]), ["--fail-every", "1"]),
    (
      Fault(name: "sandbox --drop-every 1", cause: ["closed the connection before answering"]),
      ["--drop-every", "1"]
    ),
  ]

  @Test(arguments: 0..<sandbox.count)
  func sandboxFaultInjection(_ row: Int) throws {
    let (fault, flags) = Self.sandbox[row]
    let served = try ServedSandbox(flags: flags)
    let r = try Measure.run([try Self.scriptFile()], env: served.environment)
    Self.check(fault, r)
    print(
      "fault-matrix \(fault.name): exit \(r.status), \(String(format: "%.2f", r.seconds)) s, peak \(r.peakKiB / 1024) MiB"
    )
  }

  /// The baseline: the same commands against a healthy sandbox succeed, and use little memory.
  @Test func healthyBaseline() throws {
    let served = try ServedSandbox(flags: [])
    let r = try Measure.run(
      [
        "-c",
        "set timeout 1s; version; datasets; let n = (nodes).0.uuid; create web 1G on $n; wait web attached timeout 20s",
      ],
      env: served.environment)
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.peakKiB < Self.memoryLimitMiB * 1024)
    print(
      "fault-matrix healthy: exit \(r.status), \(String(format: "%.2f", r.seconds)) s, peak \(r.peakKiB / 1024) MiB"
    )
  }
}

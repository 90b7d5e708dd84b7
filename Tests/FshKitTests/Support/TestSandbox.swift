import Foundation
import FshKit
import FshLanguage
import FshRuntime
import FshSandbox
import FshTestSupport
import Testing

/// Sandboxes for the tests of this process: 2048-bit keys, the test PKI's certificates
/// (`FlockerTestPKI`, so no sandbox generates keys), a fresh temporary directory, a free port of
/// 127.0.0.1. A sandbox that cannot be made or started fails the test that asked, with the reason.
enum TestSandbox {
  /// Made once, the first time a test asks; its error is every asking test's error.
  private static let made = Result {
    let s = try Sandbox(options: freshOptions(convergenceDelay: 0.1))
    try s.start()
    return s
  }

  /// One sandbox control service shared by the tests of this process.
  static var shared: Sandbox { get throws { try made.get() } }

  /// A sandbox of its own (not shared), started, with the options of Flocker's timing and gaps
  /// (issue 29): `stateExpiry` (seconds a stopped agent's node stays in the state), `pace`
  /// (`.upstream(scale:)` for Flocker's timing), `maxVolumeSize` (the backend's largest volume)
  /// and `kindReports` (kinder than Flocker: every unmounted volume always listed).
  static func make(
    stateExpiry: Double = 120, pace: SandboxPace = .fixed, convergenceDelay: Double = 0.1,
    maxVolumeSize: Int64? = nil, kindReports: Bool = false
  ) throws -> Sandbox {
    var options = try freshOptions(convergenceDelay: convergenceDelay)
    options.stateExpiry = stateExpiry
    options.pace = pace
    options.maxVolumeSize = maxVolumeSize
    options.kindReports = kindReports
    options.log = { _ in }
    let s = try Sandbox(options: options)
    try s.start()
    return s
  }

  /// Options for a fresh directory that already holds the test PKI's certificates.
  private static func freshOptions(convergenceDelay: Double) throws -> SandboxOptions {
    let dir = FileManager.default.temporaryDirectory
      .appendingPathComponent("fsh-tests-\(getpid())-\(UInt32.random(in: 0...UInt32.max))").path
    try FlockerTestPKI.fillSandboxDirectory(dir)
    var options = SandboxOptions(directory: dir)
    options.keyBits = 2048
    options.nodeCount = 3
    options.convergenceDelay = convergenceDelay
    return options
  }

  /// A new, empty directory for a test's HOME, never shared with another test. One that cannot
  /// be made is an issue of the calling test, named with the reason.
  static func freshHome() -> String {
    let home = FileManager.default.temporaryDirectory
      .appendingPathComponent("fsh-home-\(getpid())-\(UUID().uuidString.prefix(8))").path
    do {
      try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
    } catch {
      Issue.record("cannot make the test's HOME \(home): \(error)")
    }
    return home
  }

  /// A session environment pointed at the shared sandbox (see `environment(_:)`).
  static func environment() throws -> SessionEnvironment { environment(try shared) }

  /// A session environment pointed at a sandbox, with a HOME of its own (`freshHome()`), and so
  /// its own config and state directories.
  static func environment(_ s: Sandbox) -> SessionEnvironment {
    let home = freshHome()
    var env = SessionEnvironment(variables: ["HOME": home], workingDirectory: home)
    env.flags = [
      .host: "127.0.0.1", .port: String(s.port), .certs: s.certificatesDirectory, .user: s.userName,
    ]
    return env
  }
}

/// A host that renders results as the terminal would, into lines.
final class TextHost: SessionHost {
  var output = ""
  var warnings: [Diagnostic] = []
  var answer: Bool? = nil
  var history: [String] = []

  func show(_ result: CommandResult, options: SessionOptions) {
    output += ResultFormatter(width: nil, color: false).render(result, format: options.output)
  }
  func report(_ diagnostic: Diagnostic) { warnings.append(diagnostic) }
  func confirm(_ question: String) -> Bool? { answer }
  /// Informational lines (`converged: …`), in order.
  var informed: [String] = []
  func inform(_ line: String) { informed.append(line) }
  var lines: [String] {
    if output.isEmpty { return [] }
    // CSV rows end in "\n" now; a "\r\n" (which Swift counts as one Character) from a command's
    // own text would still split as one line.
    let text = output.replacingOccurrences(of: "\r\n", with: "\n")
    return text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
      .dropLast(text.hasSuffix("\n") ? 1 : 0)
  }
}

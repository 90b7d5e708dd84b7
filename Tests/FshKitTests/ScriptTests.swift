import Foundation
import FshKit
import FshRuntime
import FshTestSupport
import Testing

/// Runs every `Scripts/**/*.fsh` and checks the expectations written in it:
///
///     # expect: TEXT                 the next line of output (a glob: * and ? match anything)
///     # expect error: L:C: MESSAGE   the error that stops the script (MESSAGE is a glob)
///     # expect status: N             the exit status (default 0, or 1 with an expected error)
///     # expect warning: TEXT         some warning contains TEXT (a warning that no such line
///                                    declares fails the script)
///     # sandbox                      run against the shared sandbox control service
///     # args: A B …                  the script's arguments
@Suite(.blocking) struct ScriptTests {
  static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Scripts")

  static func all() -> [String] {
    let e = FileManager.default.enumerator(atPath: directory.path)
    var out: [String] = []
    while let f = e?.nextObject() as? String { if f.hasSuffix(".fsh") { out.append(f) } }
    return out.sorted()
  }

  /// A parameterized test with no arguments passes without running anything: a moved
  /// directory or a renamed extension must not turn the golden scripts off silently.
  @Test func scriptsAreFound() {
    let found = Self.all()
    #expect(found.count >= 30, "\(found.count) scripts under \(Self.directory.path)")
  }

  /// A script lives under the command it is about (`commands/cluster-add/…`, a command of the
  /// standard table, its words joined by '-') or the part of the language (`language/loops/…`).
  @Test func scriptsLiveUnderTheirCommandOrFeature() {
    let commands = Set(CommandTable.standard.commands.map { $0.help.path.joined(separator: "-") })
    for name in Self.all() {
      let parts = name.split(separator: "/").map(String.init)
      #expect(parts.count == 3, "\(name): not commands/COMMAND/… or language/FEATURE/…")
      guard parts.count == 3 else { continue }
      switch parts[0] {
      case "commands": #expect(commands.contains(parts[1]), "\(name): no command '\(parts[1])'")
      case "language": break
      default: Issue.record("\(name): not under commands/ or language/")
      }
    }
  }

  @Test(arguments: all())
  func script(_ name: String) throws {
    let path = ScriptTests.directory.appendingPathComponent(name).path
    let text = try String(contentsOfFile: path, encoding: .utf8)
    var expected: [String] = []
    var expectedError: String? = nil
    var expectedStatus: Int32? = nil
    var expectedWarnings: [String] = []
    var args: [String] = []
    var sandbox = false
    for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
      let line = raw.trimmingCharacters(in: .whitespaces)
      func after(_ p: String) -> String? {
        line.hasPrefix(p) ? String(line.dropFirst(p.count)) : nil
      }
      if let e = after("# expect: ") { expected.append(e) }
      if line == "# expect:" { expected.append("") }
      if let e = after("# expect error: ") { expectedError = e }
      if let e = after("# expect status: ") { expectedStatus = Int32(e) }
      if let e = after("# expect warning: ") { expectedWarnings.append(e) }
      if let a = after("# args: ") { args = a.split(separator: " ").map(String.init) }
      if line == "# sandbox" { sandbox = true }
    }
    let host = TextHost()
    var env: SessionEnvironment
    if sandbox {
      env = try TestSandbox.environment()
    } else {
      let home = FileManager.default.temporaryDirectory.appendingPathComponent(
        "fsh-script-\(UInt32.random(in: 0...UInt32.max))"
      ).path
      env = SessionEnvironment(
        variables: ["HOME": home, "FSH_TEST": "yes"], workingDirectory: ScriptTests.directory.path)
    }
    env.workingDirectory =
      ScriptTests.directory.appendingPathComponent(name).deletingLastPathComponent().path
    let session = Session(environment: env, host: host)
    let outcome = session.run(text, name: name, arguments: args)
    let got = host.lines
    #expect(got.count == expected.count, "\(name): output was:\n\(host.output)")
    for (g, e) in zip(got, expected) {
      #expect(Glob.matches(e, g), "\(name): expected '\(e)', got '\(g)'")
    }
    if let expectedError {
      let d = outcome.stoppedBy
      let shown =
        d.map { "\($0.range?.start.line ?? 0):\($0.range?.start.column ?? 0): \($0.message)" }
        ?? "no error"
      #expect(
        Glob.matches(expectedError, shown),
        "\(name): expected error '\(expectedError)', got '\(shown)'")
    } else {
      #expect(
        outcome.stoppedBy == nil,
        "\(name): unexpected error \(outcome.stoppedBy.map { "\($0)" } ?? "")")
    }
    #expect(outcome.status == (expectedStatus ?? (expectedError == nil ? 0 : 1)), "\(name): status")
    for w in expectedWarnings {
      #expect(
        host.warnings.contains { $0.message.contains(w) },
        "\(name): no warning containing '\(w)': \(host.warnings.map(\.message))")
    }
    for w in host.warnings where !expectedWarnings.contains(where: { w.message.contains($0) }) {
      Issue.record("\(name): undeclared warning '\(w.message)' (add '# expect warning: …')")
    }
  }
}

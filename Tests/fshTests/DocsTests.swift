import Foundation
import FshTestSupport
import Testing

/// Documentation generated from the command table must not drift from it.
@Suite(.blocking) struct DocsTests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

  @Test func commandReferenceMatchesTheCommandTable() throws {
    let r = try BinaryTests.run(["-c", "help --markdown"])
    #expect(r.status == 0)
    let committed = try String(
      contentsOf: Self.root.appendingPathComponent("docs/commands.md"), encoding: .utf8)
    #expect(
      committed == r.stdout,
      "docs/commands.md is out of date: regenerate it with `fsh -c 'help --markdown' > docs/commands.md`"
    )
  }

  @Test func everyCommandHasHelpAndAppearsInTheOverview() throws {
    let overview = try BinaryTests.run(["-c", "help"]).stdout
    let names = overview.split(separator: "\n").filter { $0.hasPrefix("  ") }
      .map { $0.trimmingCharacters(in: .whitespaces).components(separatedBy: "  ")[0] }
    #expect(names.count >= 30)
    for name in names {
      let r = try BinaryTests.run(["-c", "help \(name)"])
      #expect(r.status == 0, "help \(name): \(r.stderr)")
      #expect(r.stdout.hasPrefix("OVERVIEW: "), "help \(name)")
      #expect(r.stdout.contains("USAGE: \(name)"), "help \(name)")
    }
  }
}

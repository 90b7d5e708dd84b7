import Foundation
import FshLanguage
import Testing

@testable import FshKit
@testable import FshRuntime

/// Issue 17, point 8: at 60 columns `-l` keeps whole ids, paths are cut at a '/', and help
/// and notes wrap at word boundaries.
struct NarrowTerminalTests {
  static let id = "1f61f427-3b0a-4c5e-9d7f-2a8b6c4e0d13"
  static let node = "51c61f3b-7e2d-4a9c-8b1f-6d3e5a7c9b20"
  static func row(_ name: String) -> Value {
    .record(
      Record([
        ("dataset_id", .string(id)), ("name", .string(name)), ("status", .string("attached")),
        ("size", .int(50 << 30)), ("primary", .string(node)), ("host", .string("10.0.0.2")),
        ("path", .string("/flocker/\(id)/a-rather-long-mount-directory")),
      ]))
  }

  @Test func longListingsKeepWholeIdsAt60Columns() {
    let f = ResultFormatter(width: 60, color: false)
    let text = f.table(Datasets.columns(long: true), [Self.row("web-data-with-a-long-name")])
    let lines = text.split(separator: "\n")
    #expect(lines.count == 2)
    #expect(lines[1].contains(Self.id), "\(text)")
    #expect(lines[1].contains("\(Self.node) (10.0.0.2)"), "\(text)")
    // Without -l the short ids stay short.
    let short = f.table(Datasets.columns(long: false), [Self.row("web")])
    #expect(short.contains("1f61f427 ") && !short.contains(Self.id))
  }

  /// Issue 30: a cut cell keeps its start (an id or a path names what it is by its start)
  /// and fills its column: not padded past its text.
  @Test func aCutCellKeepsItsStartAndFillsItsColumn() {
    let f = ResultFormatter(width: 60, color: false)
    #expect(f.truncate("/flocker/\(Self.id)/data", 20) == "/flocker/1f61f427-3…")
    #expect(f.truncate("one two three four five", 12) == "one two thr…")
    #expect(f.truncate("8dd91c7c (10.0.0.3)", 16) == "8dd91c7c (10.0.…")
    // In a table at 60 columns: every cut cell is as wide as its column.
    let rows = (0..<3).map { i in
      Value.record(
        Record([
          ("node", .string("8dd91c7c (10.0.0.\(i))")),
          ("name", .string("a rather long dataset name \(i)")),
          ("path", .string("/flocker/\(Self.id)/\(i)")),
        ]))
    }
    let text = f.table([Column("node"), Column("name"), Column("path")], rows)
    let lines = text.split(separator: "\n").map(String.init)
    #expect(lines.count == 4)
    for line in lines.dropFirst() {
      #expect(DisplayWidth.of(line) == 60, "\(text)")
      #expect(!line.contains("…   "), "padded past its cut text: \(line)")
      #expect(line.hasPrefix("8dd91c7c ("), "\(line)")
      #expect(line.contains("  /flocker"), "\(line)")
      #expect(!line.contains("…/"), "\(line)")
    }
  }

  @Test func helpAndNotesWrapAtWordBoundaries() {
    let help = HelpFormatter.help(for: CreateCommand.help, width: 60)
    for line in help.split(separator: "\n") {
      #expect(line.count <= 60 || !line.contains(" "), "too wide: \(line)")
    }
    let wrapped = HelpFormatter.hang("alpha beta gamma delta epsilon", width: 30, indent: 18)
    #expect(wrapped == "alpha beta gamma\n" + String(repeating: " ", count: 18) + "delta epsilon")
    let d = Diagnostic(
      "x", notes: ["a note that is long enough to need a second line at forty columns"])
    let text = DiagnosticPrinter(color: false, width: 40).render(d)
    for line in text.split(separator: "\n") { #expect(line.count <= 40, "\(line)") }
    #expect(text.contains("\n        "))
  }

  @Test func unitsAreShownOneWayByKey() {
    let f = ResultFormatter(width: nil, color: false)
    let lease = Value.record(Record([("name", "db"), ("expires", 600), ("size", .int(50 << 30))]))
    #expect(f.recordText(lease) == "name:    db\nexpires: 10m\nsize:    50G\n")
    let table = f.table(
      [Column("name"), Column("expires")],
      [lease, .record(Record([("name", "x"), ("expires", .null)]))])
    #expect(table == "NAME  EXPIRES\ndb    10m\nx     never\n")
    #expect(JSON.encode(lease, pretty: false) == #"{"name":"db","expires":600,"size":53687091200}"#)
  }

  @Test func languageHelpFitsUnderItsDescriptionColumn() {
    let fitted = HelpFormatter.fit(HelpFormatter.language, width: 60)
    for line in fitted.split(separator: "\n") { #expect(line.count <= 60, "\(line)") }
    let topic = HelpFormatter.fit(HelpFormatter.languageTopic("if")!, width: 60)
    #expect(
      topic.contains(
        "  if $x { }                 the value is not empty, 0,\n"
          + String(repeating: " ", count: 28) + "false"))
  }
}

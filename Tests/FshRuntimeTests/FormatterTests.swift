// Table alignment in terminal columns, the caret under wide text, CSV quoting, the empty-table
// line, and a command's rows shown together with its failure.
import Foundation
import FshLanguage
import Testing

@testable import FshRuntime

struct DisplayWidthTests {
  @Test func theFastRangesAgreeWithTheRulesForEveryScalar() {
    var differ: [UInt32] = []
    for v in UInt32(0)...0x10_FFFF {
      guard let u = Unicode.Scalar(v) else { continue }
      if DisplayWidth.of(u) != DisplayWidth.rule(u) { differ.append(v) }
    }
    #expect(differ.isEmpty, "\(differ.prefix(10).map { String($0, radix: 16) })")
  }

  @Test func countsTerminalColumns() {
    #expect(DisplayWidth.of("abc") == 3)
    #expect(DisplayWidth.of("数据卷") == 6)
    #expect(DisplayWidth.of("e\u{301}") == 1, "a combining acute accent takes no column")
    #expect(DisplayWidth.of("🚀") == 2)
    #expect(DisplayWidth.of("❤️") == 2, "emoji presentation selector")
    #expect(DisplayWidth.of("👩‍💻") == 2, "a ZWJ sequence is one glyph")
    #expect(DisplayWidth.of("ｆｓｈ") == 6, "fullwidth forms")
    #expect(DisplayWidth.of("한국어") == 6)
    #expect(DisplayWidth.prefix("数据卷", columns: 5) == "数据")
  }

  /// Every row's columns start at the same terminal column, whatever the names are made of.
  @Test func tableColumnsStayAligned() {
    let rows: [Value] = ["数据卷", "plain", "🚀rocket", "cafe\u{301}", "ｆｕｌｌ"].map { name in
      .record(Record([("name", .string(name)), ("size", .string("1G")), ("node", .string("n1"))]))
    }
    let text = ResultFormatter().table(
      [Column("name"), Column("size", alignRight: true), Column("node")], rows)
    let lines = text.split(separator: "\n").map(String.init)
    #expect(lines.count == 6)
    // The last column (NODE) starts at the same terminal column on every line.
    let starts = Set(
      lines.map { line -> Int in
        let r = line.range(of: line == lines[0] ? "NODE" : "n1")!
        return DisplayWidth.of(String(line[..<r.lowerBound]))
      })
    #expect(starts.count == 1, "misaligned:\n\(text)")
    // The SIZE column ends at the same column on every line.
    let ends = Set(
      lines.dropFirst().map { line -> Int in
        let r = line.range(of: "1G")!
        return DisplayWidth.of(String(line[..<r.upperBound]))
      })
    #expect(ends.count == 1, "\(text)")
  }

  @Test func wideCellsAreCutByColumns() {
    let rows: [Value] = [.record(Record([("name", .string(String(repeating: "数", count: 30)))]))]
    let text = ResultFormatter(width: 12).table([Column("name"), Column("x")], rows)
    for line in text.split(separator: "\n") {
      #expect(DisplayWidth.of(String(line)) <= 12, "\(line)")
    }
    #expect(text.contains("…"))
  }

  @Test func caretSitsUnderTheWordAfterWideText() {
    // Columns count scalars: 'bogus' starts at scalar 11, after "echo 数据卷; " (10 scalars).
    let wide = Diagnostic(
      "unknown command 'bogus'",
      range: SourceRange(
        SourcePosition(line: 1, column: 11, offset: 10),
        SourcePosition(line: 1, column: 16, offset: 15))
    ).located(in: SourceText(name: "t", text: "echo 数据卷; bogus"), at: nil)
    let lines = DiagnosticPrinter().render(wide).split(separator: "\n").map(String.init)
    #expect(lines[1] == "  echo 数据卷; bogus")
    // "echo " (5) + 6 columns + "; " (2) = 13 columns before the caret.
    #expect(lines[2] == "  " + String(repeating: " ", count: 13) + "^~~~~", "\(lines)")
  }

  @Test func locationHeadCanBeDropped() {
    let d = Diagnostic(
      "unknown command 'x'",
      range: SourceRange(
        SourcePosition(line: 1, column: 1, offset: 0), SourcePosition(line: 1, column: 2, offset: 1)
      )
    ).located(in: SourceText(name: "<stdin>", text: "x"), at: nil)
    #expect(DiagnosticPrinter().render(d).hasPrefix("<stdin>:1:1: error: unknown command 'x'"))
    let typed = DiagnosticPrinter(showsLocation: false).render(d)
    #expect(typed.hasPrefix("error: unknown command 'x'\n  x\n  ^\n"), "\(typed)")
  }

  /// Issue 30: a connection or certificate error has no caret under the command word (its
  /// cause is not in the line); a script's head still says where.
  @Test func noCaretForConnectionAndCertificateErrors() {
    let source = SourceText(name: "deploy.fsh", text: "echo a\ndatasets -l")
    let word = SourceRange(
      SourcePosition(line: 2, column: 1, offset: 7), SourcePosition(line: 2, column: 9, offset: 15))
    // A library says which of its codes have their cause elsewhere (FshKit: the network,
    // the certificates, the control service; FlockerCodeTests checks those).
    let elsewhere: Diagnostic.Code = "test-elsewhere"
    DiagnosticPrinter.causeIsElsewhere(for: [elsewhere])
    for code in [elsewhere] {
      let d = Diagnostic("cannot reach the control service", code: code, notes: ["check --host"])
        .located(in: source, at: word)
      let text = DiagnosticPrinter().render(d)
      #expect(
        text == "deploy.fsh:2:1: error: cannot reach the control service\n  note: check --host\n",
        "\(code.rawValue): \(text)")
      let typed = DiagnosticPrinter(showsLocation: false).render(d)
      #expect(typed == "error: cannot reach the control service\n  note: check --host\n")
    }
    // Other errors keep theirs.
    let usage = Diagnostic.usage("'datasets' needs X", range: word).located(in: source, at: nil)
    #expect(DiagnosticPrinter().render(usage).contains("  datasets -l\n  ^~~~~~~~\n"))
  }
}

struct CSVTests {
  @Test func quotesCommasQuotesAndNewlines() {
    let rows: [Value] = [
      .record(Record([("a", .string("plain")), ("b", .string("x, y"))])),
      .record(Record([("a", .string("say \"hi\"")), ("b", .string("two\nlines"))])),
    ]
    let text = ResultFormatter().csv([Column("a"), Column("b")], rows)
    // A newline stays a newline inside quotes (RFC 4180); other control characters are escaped.
    // Rows end in LF, as psql's CSV does (not RFC 4180's CRLF).
    #expect(text == "a,b\nplain,\"x, y\"\n\"say \"\"hi\"\"\",\"two\nlines\"\n")
  }
}

struct EmptyTableTests {
  @Test func emptyTableHasALineOnlyInTableFormat() {
    let r = CommandResult(.list([]), .table([Column("name")]), emptyNote: "no datasets")
    let f = ResultFormatter()
    #expect(f.render(r, format: .table) == "")
    #expect(f.emptyNote(r, format: .table) == "no datasets")
    #expect(f.emptyNote(r, format: .json) == nil)
    #expect(f.render(r, format: .json) == "[]\n")
    #expect(f.render(r, format: .csv) == "name\n")
    let full = CommandResult(
      .list([.record(Record([("name", .string("a"))]))]), .table([Column("name")]),
      emptyNote: "no datasets")
    #expect(f.emptyNote(full, format: .table) == nil)
  }
}

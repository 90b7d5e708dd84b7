// A control service (or whoever can create datasets) chooses dataset names and metadata. Printed
// raw, escape sequences in them would drive the user's terminal. They must print harmlessly in
// every output format and in diagnostics; huge values are cut in tables.
import Foundation
import FshModel
import FshSandbox
import FshTestSupport
import Testing

@testable import FshClient
@testable import FshJSON
@testable import FshKit
@testable import FshLanguage
@testable import FshRuntime

@Suite("Reliability: terminal safety", .blocking)
struct ReliabilityTerminalSafetyTests {
  /// Red text, a window-title OSC ending in BEL, a clipboard write (OSC 52), carriage return,
  /// an 8-bit CSI "clear screen", a bidi override and a line separator.
  static let evil =
    "\u{1B}[31mred\u{1B}]0;pwned\u{07}\u{1B}]52;c;cm0gLXJmIH4=\u{07}\rx\u{9B}2J\u{202E}gpj.exe\u{2028}"

  static func unsafeScalars(_ text: String, allowNewlines: Bool = true) -> [Unicode.Scalar] {
    text.unicodeScalars.filter {
      TerminalText.isUnsafe($0) && !(allowNewlines && ($0 == "\n" || $0 == "\t"))
    }
  }

  @Test func neutralisedTextIsVisibleAndReversible() {
    let safe = TerminalText.safe(Self.evil)
    #expect(Self.unsafeScalars(safe, allowNewlines: false).isEmpty)
    #expect(safe.hasPrefix("\\u{1B}[31mred\\u{1B}]0;pwned\\u{7}"))
    #expect(safe.contains("\\r"))
    #expect(safe.contains("\\u{9B}2J"))
    #expect(safe.contains("\\u{202E}"))
    #expect(TerminalText.safe("plain é 🧪 text") == "plain é 🧪 text")
    #expect(TerminalText.safe("a\nb\tc", keepNewlines: true) == "a\nb\tc")
  }

  @Test func hostileNamesAndMetadataPrintHarmlesslyInEveryFormat() throws {
    let host = CollectingHost()
    var env = try TestSandbox.environment()
    let tag = "t\(UInt32.random(in: 0...UInt32.max))"
    env.variables["EVIL"] = Self.evil + tag
    let s = Session(environment: env, host: host)
    var o = s.run(
      "let n = (nodes).0.uuid\ncreate \"$EVIL\" 1G on $n meta \"note=$EVIL\" \"$EVIL=v\"",
      name: "evil")
    #expect(o.status == 0, "\(o.stoppedBy.map { "\($0)" } ?? "")")
    for command in ["datasets", "datasets -l", "dataset \"$EVIL\"", "dataset \"$EVIL\" -o json"] {
      o = s.run(command, name: "evil")
      #expect(o.status == 0, "\(command): \(o.stoppedBy.map { "\($0)" } ?? "")")
    }
    var checked = 0
    for result in host.results {
      for format in [OutputFormat.table, .csv, .json] {
        // Both widths, every time: 80 columns shrinks (and cuts) cells, none keeps them whole.
        for (color, width) in [(false, nil), (true, nil), (false, 80), (true, 80)] as [(Bool, Int?)]
        {
          let text = ResultFormatter(width: width, color: color).render(result, format: format)
          // Colour adds fsh's own SGR codes only: take them out, then nothing unsafe is left.
          // (CSV rows end in LF; a CRLF would be taken as a line end, not as an unsafe "\r".)
          let own = text.replacingOccurrences(of: "\u{1B}[1m", with: "")
            .replacingOccurrences(of: "\u{1B}[0m", with: "")
            .replacingOccurrences(of: "\r\n", with: "\n")
          #expect(Self.unsafeScalars(own).isEmpty, "\(format): \(text.debugDescription)")
          if format != .json && own.contains(tag) {
            #expect(own.contains("\\u{1B}[31mred"), "\(own.debugDescription)")
            checked += 1
          }
          if format == .json && own.contains(tag) {
            #expect(own.contains("\\u001b[31mred"))
            // JSON stays lossless.
            #expect(JSON.encode(result.value).contains(tag))
            checked += 1
          }
        }
      }
    }
    #expect(checked >= 16)

    // The same name in a diagnostic (a second create of the same name fails and quotes it).
    o = s.run("let n = (nodes).0.uuid\ncreate \"$EVIL\" 1G on $n", name: "evil")
    #expect(o.status != 0)
    let d = try #require(o.stoppedBy)
    #expect(d.message.contains(tag))
    for color in [false, true] {
      let printed = DiagnosticPrinter(color: color).render(d)
      let own = printed.replacingOccurrences(
        of: #"\u{1B}\[[0-9;]*m"#, with: "", options: .regularExpression)
      // fsh's own colour codes are the only escapes left.
      #expect(Self.unsafeScalars(own).isEmpty, "\(printed.debugDescription)")
      #expect(printed.contains("\\u{1B}[31mred"))
    }
  }

  @Test func serverErrorTextIsNeutralisedInDiagnostics() {
    let body =
      #"{"description": "bad \u001b[2J\u001b]0;x\u0007 thing", "errors": ["\u001b[31mno"]}"#
    let client = FlockerClient(
      transport: InProcessTransport { _ in HTTPResponse(status: 400, body: Array(body.utf8)) })
    do {
      _ = try client.nodes()
      Issue.record("no error")
    } catch let e as ClientError {
      let printed = DiagnosticPrinter().render(Diagnostic(e))
      #expect(Self.unsafeScalars(printed).isEmpty, "\(printed.debugDescription)")
      #expect(printed.contains("\\u{1B}[2J"))
    } catch {
      Issue.record("\(error)")
    }
  }

  @Test func sourceLinesWithControlCharactersKeepTheCaretAligned() {
    let line = "echo \u{1B}[31m; bogus"
    let d = Diagnostic(
      "unknown command 'bogus'",
      range: SourceRange(
        SourcePosition(line: 1, column: 13, offset: 12),
        SourcePosition(line: 1, column: 18, offset: 17)))
    var placed = d
    placed.sourceName = "x.fsh"
    placed.sourceLine = line
    let lines = DiagnosticPrinter().render(placed).split(separator: "\n").map(String.init)
    #expect(lines[1] == "  echo \\u{1B}[31m; bogus")
    let caret = lines[2]
    let shown = lines[1]
    let at = caret.firstIndex(of: "^").map { caret.distance(from: caret.startIndex, to: $0) }
    let word = shown.range(of: "bogus").map {
      shown.distance(from: shown.startIndex, to: $0.lowerBound)
    }
    #expect(at == word, "\(lines)")
  }

  @Test func hugeValuesAreCutInTablesAndRecords() {
    let huge = String(repeating: "x", count: 1_000_000)
    let rows: [Value] = [.record(Record([("name", .string(huge)), ("size", .int(1))]))]
    let f = ResultFormatter(width: nil)
    let table = f.table([Column("name", "NAME"), Column("size", "SIZE")], rows)
    #expect(
      table.split(separator: "\n").allSatisfy { $0.count <= ResultFormatter.maximumCellWidth + 10 })
    #expect(table.contains("…"))
    let record = f.recordText(rows[0])
    #expect(record.count < ResultFormatter.maximumValueLength + 200)
    #expect(record.contains("(995904 more characters)"))
    // JSON is the lossless format.
    #expect(JSON.encode(rows[0]).count > 1_000_000)
  }
}

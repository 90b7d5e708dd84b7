/// Renders diagnostics: `file:line:col: error: message`, the source line, a caret, and notes.

import FshLanguage
import Synchronization

public struct DiagnosticPrinter {
  public var color: Bool
  /// Whether the head names the source (`deploy.fsh:4:24:`). At the interactive prompt the
  /// line was just typed and the caret shows where: the head is only `error:`.
  public var showsLocation: Bool
  /// The terminal's width: notes wrap at word boundaries to it; nil leaves lines as they are.
  public var width: Int?

  public init(color: Bool = false, showsLocation: Bool = true, width: Int? = nil) {
    self.color = color
    self.showsLocation = showsLocation
    self.width = width
  }

  public func render(_ d: Diagnostic) -> String {
    // Messages and notes quote what the control service sent (descriptions, names): make
    // control characters visible before anything reaches the terminal.
    let safe = { (s: String) in TerminalText.safe(s) }
    var out = ""
    var head = ""
    if let name = d.sourceName {
      if showsLocation {
        head += safe(name) + ":"
        if let r = d.range { head += "\(r.start.line):\(r.start.column):" }
        head += " "
      }
    } else {
      head = "fsh: "
    }
    let label: String
    switch d.severity {
    case .error: label = color ? "\u{1B}[1;31merror:\u{1B}[0m" : "error:"
    case .warning: label = color ? "\u{1B}[1;35mwarning:\u{1B}[0m" : "warning:"
    case .note: label = color ? "\u{1B}[1;36mnote:\u{1B}[0m" : "note:"
    }
    let first = head + label + " " + safe(d.message)
    out += (width.map { HelpFormatter.hang(first, width: $0, indent: 2) } ?? first) + "\n"
    if let line = d.sourceLine, let r = d.range, !DiagnosticPrinter.causeIsElsewhere(d.code) {
      out += "  " + TerminalText.safe(line, keepNewlines: true) + "\n"
      out += "  " + DiagnosticPrinter.caretLine(line, r, color: color) + "\n"
    }
    for note in d.notes {
      var text = safe(note)
      if let width { text = HelpFormatter.hang(text, width: width, indent: 8) }
      out += "  " + (color ? "\u{1B}[1;36mnote:\u{1B}[0m " : "note: ") + text + "\n"
    }
    return out
  }

  /// Codes whose cause is not in the line (fsh's: the network, the certificates, the control
  /// service): a caret would stand under the command word as if it were wrong. Their head
  /// still says where (`deploy.fsh:7:1:`), without the line and the caret. A library adds its
  /// own (`causeIsElsewhere(for:)`).
  private static let elsewhereCodes = Mutex<Set<Diagnostic.Code>>([])

  /// Marks codes whose cause is not in the line.
  package static func causeIsElsewhere(for codes: [Diagnostic.Code]) {
    elsewhereCodes.withLock { $0.formUnion(codes) }
  }

  package static func causeIsElsewhere(_ code: Diagnostic.Code) -> Bool {
    elsewhereCodes.withLock { $0.contains(code) }
  }

  /// The caret under a range of a source line. Columns count Unicode scalars; the padding and
  /// the `^~~` count terminal columns, so a wide character (`数`) or a combining mark, and a
  /// control character shown escaped, keep the caret under what it points at. Tabs are kept.
  package static func caretLine(_ line: String, _ r: SourceRange, color: Bool) -> String {
    let scalars = Array(line.unicodeScalars)
    let start = min(max(1, r.start.column), scalars.count + 1)
    let end =
      r.end.line == r.start.line
      ? min(max(start, r.end.column), scalars.count + 1) : scalars.count + 1
    func text(_ s: ArraySlice<Unicode.Scalar>) -> String {
      var v = String.UnicodeScalarView()
      v.append(contentsOf: s)
      return String(v)
    }
    var prefix = ""
    for (i, piece) in text(scalars[0..<(start - 1)]).split(
      separator: "\t", omittingEmptySubsequences: false
    ).enumerated() {
      if i > 0 { prefix += "\t" }
      prefix += String(repeating: " ", count: DisplayWidth.of(TerminalText.safe(String(piece))))
    }
    let length = max(1, DisplayWidth.of(TerminalText.safe(text(scalars[(start - 1)..<(end - 1)]))))
    var caret = "^" + String(repeating: "~", count: length - 1)
    if color { caret = "\u{1B}[1;32m" + caret + "\u{1B}[0m" }
    return prefix + caret
  }
}

/// Turns command results into text: aligned tables sized to the terminal, JSON or CSV.
/// It makes no I/O decisions; the host writes what it returns.
public struct Formatter {
  /// Terminal width in columns; nil when not a terminal (tables are then not shrunk).
  public var width: Int?
  /// Whether to use ANSI colour (bold headers).
  public var color: Bool

  public init(width: Int? = nil, color: Bool = false) {
    self.width = width
    self.color = color
  }

  /// Table cells longer than this are cut (with `…`) even when the output is not a terminal; a
  /// control service can send a name of any length. JSON always carries the whole value.
  public static let maximumCellWidth = 256
  /// Values in `key: value` output longer than this are cut, saying how much was left out.
  public static let maximumValueLength = 4096

  /// Renders a result in a format; the text ends with a newline unless empty.
  public func render(_ result: CommandResult, format: OutputFormat) -> String {
    if result.rows != nil, case .table = result.presentation {
      var out = ""
      stream(result, format: format) { out += $0 }
      return out
    }
    switch result.presentation {
    case .silent: return ""
    case .rendered(let text):
      if format == .json { return JSON.encode(result.value) + "\n" }
      return TerminalText.safe(text, keepNewlines: true)
    case .text:
      if format == .json { return JSON.encode(result.value) + "\n" }
      let t = TerminalText.safe(result.value.text, keepNewlines: true)
      return t.isEmpty ? "" : (t.hasSuffix("\n") ? t : t + "\n")
    case .record:
      switch format {
      case .json: return JSON.encode(result.value) + "\n"
      case .csv:
        guard case .record(let r) = result.value else { return csv([], [result.value]) }
        return csv(r.keys.map { Column($0, $0) }, [result.value])
      case .table: return recordText(result.value)
      }
    case .table(let columns):
      switch format {
      case .json: return JSON.encode(result.value) + "\n"
      case .csv: return csv(columns, result.value.elements)
      case .table: return table(columns, result.value.elements)
      }
    }
  }

  /// The text of one cell, with control characters made visible (see `TerminalText`).
  static func cell(_ v: Value?) -> String {
    guard let v else { return "" }
    switch v {
    case .null: return "-"
    case .record(let r):
      return TerminalText.safe(
        r.fields.map { "\($0.key)=\($0.value.text)" }.joined(separator: ","))
    case .list(let l): return TerminalText.safe(l.map(\.text).joined(separator: ","))
    default: return TerminalText.safe(v.text)
    }
  }

  /// An aligned table: a title row, then the rows; columns shrink to fit the width.
  public func table(_ columns: [Column], _ rows: [Value]) -> String {
    if rows.isEmpty { return "" }
    let cells: [[String]] = rows.map { row in
      columns.map { c in
        c.cell.map { TerminalText.safe($0(row)) } ?? Formatter.cell(row[c.key])
      }
    }
    var widths = columns.map { $0.title.count }
    for r in cells {
      for (i, c) in r.enumerated() {
        widths[i] = max(widths[i], min(displayWidth(c), Formatter.maximumCellWidth))
      }
    }
    let gap = 2
    if let width { Formatter.shrink(&widths, toFit: width, gap: gap) }
    var out = ""
    out.reserveCapacity((widths.reduce(0, +) + 2 * widths.count) * (rows.count + 1))
    func line(_ items: [String], header: Bool) {
      var l = ""
      for (i, raw) in items.enumerated() {
        let w = widths[i]
        let text = displayWidth(raw) > w ? truncate(raw, w) : raw
        let pad = String(repeating: " ", count: max(0, w - displayWidth(text)))
        let isLast = i == items.count - 1
        if columns[i].alignRight && !header {
          l += pad + text
        } else {
          l += text + (isLast ? "" : pad)
        }
        if !isLast { l += "  " }
      }
      if header && color { l = "\u{1B}[1m" + l + "\u{1B}[0m" }
      out += l
      out += "\n"
    }
    line(columns.map(\.title), header: true)
    for r in cells { line(r, header: false) }
    return out
  }

  /// `key: value` lines, keys aligned; nested records are indented.
  public func recordText(_ v: Value, indent: Int = 0) -> String {
    guard case .record(let r) = v else { return v.text + "\n" }
    let keyWidth = r.keys.map { TerminalText.safe($0).count }.max() ?? 0
    var out = ""
    let pad = String(repeating: " ", count: indent)
    for (rawKey, value) in r.fields {
      let k = TerminalText.safe(rawKey)
      let key = k + ":" + String(repeating: " ", count: keyWidth - k.count)
      let shownKey = color ? "\u{1B}[1m\(key)\u{1B}[0m" : key
      switch value {
      case .record(let inner) where !inner.fields.isEmpty:
        out += pad + k + ":\n" + recordText(value, indent: indent + 2)
      case .list(let items)
      where items.contains(where: { if case .record = $0 { return true } else { return false } }):
        out += pad + k + ":\n"
        for item in items { out += recordText(item, indent: indent + 2) }
      default:
        var text = Formatter.cell(value)
        if text.count > Formatter.maximumValueLength {
          let left = text.count - Formatter.maximumValueLength
          text = String(text.prefix(Formatter.maximumValueLength)) + "… (\(left) more characters)"
        }
        out += pad + shownKey + " " + text + "\n"
      }
    }
    return out
  }

  /// RFC 4180 CSV with a header row.
  public func csv(_ columns: [Column], _ rows: [Value]) -> String {
    func field(_ s: String) -> String {
      if s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
      }
      return s
    }
    var cols = columns
    if cols.isEmpty, case .record(let r)? = rows.first { cols = r.keys.map { Column($0, $0) } }
    var out = cols.map { field(TerminalText.safe($0.key)) }.joined(separator: ",") + "\r\n"
    for row in rows {
      out +=
        cols.map { c -> String in
          guard let v = row[c.key] else { return "" }
          if case .null = v { return "" }
          return field(Formatter.cell(v))
        }.joined(separator: ",") + "\r\n"
    }
    return out
  }

  func displayWidth(_ s: String) -> Int { s.count }

  func truncate(_ s: String, _ w: Int) -> String {
    guard w > 1 else { return String(s.prefix(w)) }
    return String(s.prefix(w - 1)) + "…"
  }
}

/// Renders diagnostics: `file:line:col: error: message`, the source line, a caret, and notes.
public struct DiagnosticPrinter {
  public var color: Bool

  public init(color: Bool = false) { self.color = color }

  public func render(_ d: Diagnostic) -> String {
    // Messages and notes quote what the control service sent (descriptions, names): make
    // control characters visible before anything reaches the terminal.
    let safe = { (s: String) in TerminalText.safe(s) }
    var out = ""
    var head = ""
    if let name = d.sourceName {
      head += safe(name) + ":"
      if let r = d.range { head += "\(r.start.line):\(r.start.column):" }
      head += " "
    } else {
      head = "fsh: "
    }
    let label: String
    switch d.severity {
    case .error: label = color ? "\u{1B}[1;31merror:\u{1B}[0m" : "error:"
    case .warning: label = color ? "\u{1B}[1;35mwarning:\u{1B}[0m" : "warning:"
    case .note: label = color ? "\u{1B}[1;36mnote:\u{1B}[0m" : "note:"
    }
    out += head + label + " " + safe(d.message) + "\n"
    if let line = d.sourceLine, let r = d.range {
      out += "  " + TerminalText.safe(line, keepNewlines: true) + "\n"
      let startCol = max(1, r.start.column)
      let length =
        r.end.line == r.start.line
        ? max(1, r.end.column - r.start.column) : max(1, line.count - startCol + 1)
      // Keep tabs so the caret lines up under tab-indented source.
      // An escaped control character is wider than one column: pad by its shown width.
      let prefix = line.prefix(startCol - 1).map {
        $0 == "\t"
          ? "\t" : String(repeating: " ", count: TerminalText.safe(String($0)).count)
      }.joined()
      var caret = "^" + String(repeating: "~", count: max(0, length - 1))
      if color { caret = "\u{1B}[1;32m" + caret + "\u{1B}[0m" }
      out += "  " + prefix + caret + "\n"
    }
    for note in d.notes {
      out += "  " + (color ? "\u{1B}[1;36mnote:\u{1B}[0m " : "note: ") + safe(note) + "\n"
    }
    return out
  }
}

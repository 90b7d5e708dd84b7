/// Turns command results into text: aligned tables sized to the terminal, JSON or CSV.
/// It makes no I/O decisions; the host writes what it returns.
public struct ResultFormatter {
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
  package static let maximumCellWidth = 256
  /// Values in `key: value` output longer than this are cut, saying how much was left out.
  package static let maximumValueLength = 4096

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

  /// The line that stands for a table with no rows (`no datasets`), or nil when the result
  /// is not an empty table in table format. JSON stays `[]` and CSV a header; the host shows
  /// this line on a terminal (standard error), so an empty answer never looks like silence.
  package func emptyNote(_ result: CommandResult, format: OutputFormat) -> String? {
    guard format == .table, case .table = result.presentation,
      result.rows.map({ $0.count == 0 }) ?? result.value.elements.isEmpty
    else { return nil }
    let note = result.emptyNote ?? "no rows"
    return note.isEmpty ? nil : note
  }

  /// Fields that hold a quantity with a unit, by key: JSON and CSV carry the number (bytes,
  /// seconds); tables and `key: value` records show it the way people read it (`50G`,
  /// `9m59s`), the same in every command.
  package static let sizeKeys: Set<String> = ["size", "actual_size", "maximum_size"]
  package static let durationKeys: Set<String> = ["expires", "expires_in"]

  /// The text of a field for people, with its unit when the key has one.
  package static func cell(key: String, _ v: Value?) -> String {
    if sizeKeys.contains(key) {
      if case .int(let n)? = v { return Sizes.format(n) }
    }
    if durationKeys.contains(key) {
      switch v {
      case .int(let n)?: return Durations.format(Double(max(0, n)))
      case .double(let d)?: return Durations.format(max(0, d.rounded()))
      case .null?: return "never"
      default: break
      }
    }
    return cell(v)
  }

  /// The text of one cell, with control characters made visible (see `TerminalText`).
  package static func cell(_ v: Value?) -> String {
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
        c.cell.map { TerminalText.safe($0(row)) } ?? ResultFormatter.cell(key: c.key, row[c.key])
      }
    }
    var widths = columns.map { DisplayWidth.of($0.title) }
    for r in cells {
      for (i, c) in r.enumerated() {
        widths[i] = max(widths[i], min(displayWidth(c), ResultFormatter.maximumCellWidth))
      }
    }
    let gap = 2
    if let width {
      ResultFormatter.shrink(&widths, toFit: width, gap: gap, whole: columns.map(\.whole))
    }
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
  package func recordText(_ v: Value, indent: Int = 0) -> String {
    guard case .record(let r) = v else { return v.text + "\n" }
    let keyWidth = r.keys.map { DisplayWidth.of(TerminalText.safe($0)) }.max() ?? 0
    var out = ""
    let pad = String(repeating: " ", count: indent)
    for (rawKey, value) in r.fields {
      let k = TerminalText.safe(rawKey)
      let key = k + ":" + String(repeating: " ", count: keyWidth - DisplayWidth.of(k))
      let shownKey = color ? "\u{1B}[1m\(key)\u{1B}[0m" : key
      switch value {
      case .record(let inner) where !inner.fields.isEmpty:
        out += pad + k + ":\n" + recordText(value, indent: indent + 2)
      case .list(let items)
      where items.contains(where: { if case .record = $0 { return true } else { return false } }):
        out += pad + k + ":\n"
        for item in items { out += recordText(item, indent: indent + 2) }
      default:
        var text = ResultFormatter.cell(key: rawKey, value)
        if text.count > ResultFormatter.maximumValueLength {
          let left = text.count - ResultFormatter.maximumValueLength
          text =
            String(text.prefix(ResultFormatter.maximumValueLength)) + "… (\(left) more characters)"
        }
        out += pad + shownKey + " " + text + "\n"
      }
    }
    return out
  }

  /// RFC 4180 CSV with a header row, except that rows end in LF as psql's CSV and most Unix
  /// tools expect, not CRLF.
  public func csv(_ columns: [Column], _ rows: [Value]) -> String {
    func field(_ s: String) -> String {
      if s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
      }
      return s
    }
    var cols = columns
    if cols.isEmpty, case .record(let r)? = rows.first { cols = r.keys.map { Column($0, $0) } }
    var out = cols.map { field(TerminalText.safe($0.key)) }.joined(separator: ",") + "\n"
    for row in rows {
      out +=
        cols.map { c -> String in
          guard let v = row[c.key] else { return "" }
          if case .null = v { return "" }
          // A newline in a value stays one, inside quotes (RFC 4180): CSV is read by programs.
          if case .string(let s) = v { return field(TerminalText.safe(s, keepNewlines: true)) }
          return field(ResultFormatter.cell(v))
        }.joined(separator: ",") + "\n"
    }
    return out
  }

  /// Terminal columns, not Characters: a wide character takes two (see `DisplayWidth`).
  package func displayWidth(_ s: String) -> Int { DisplayWidth.of(s) }

  /// Cuts a cell to `w` terminal columns, keeping its start and filling the column: an id
  /// or a path keeps what names it (`/flocker/1f61f4…`, `8dd91c7c (10.0…`), and the cell is
  /// not padded past its text as a cut at a word boundary would be. '…' marks the cut (a
  /// wide character that would straddle the edge is left out, and the padding makes up the
  /// column).
  package func truncate(_ s: String, _ w: Int) -> String {
    guard w > 1 else { return DisplayWidth.prefix(s, columns: w) }
    return DisplayWidth.prefix(s, columns: w - 1) + "…"
  }

}

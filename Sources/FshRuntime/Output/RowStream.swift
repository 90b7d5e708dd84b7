// Listings of any size without a `Value` per row: a command returns a `RowSource` through its
// `CommandResult`, and the formatter streams it as a table, CSV or JSON in chunks. The text is
// exactly what the general path (`ResultFormatter.render` over the rows' records) writes; a row's
// record is built only when something asks for `CommandResult.value` (a script capturing it).

/// A lazy source of rows for a `.table(columns)` result.
///
/// Column indices are positions in the result's columns. Cells are raw: the formatter escapes
/// control characters (`TerminalText`) as it does for the general path.
package protocol RowSource: Sendable {
  var count: Int { get }
  /// The record of row `i`, exactly what the general path lists.
  func value(at i: Int) -> Value
  /// The table text of a column: what `Column.cell` (or `ResultFormatter.cell` of the field) gives.
  func cell(at i: Int, column: Int) -> String
  /// The CSV field of a column; nil for a null or missing field.
  func field(at i: Int, column: Int) -> String?
  /// Appends row `i`'s record as `JSON.encode` writes it at nesting depth `indent`.
  func writeJSON(at i: Int, indent: Int, to out: inout [UInt8])
  /// Rows `range` as `streamJSON` lays them out: each after a new line and two spaces, and
  /// after `,` but for row 0.
  func writeJSON(rows range: Range<Int>, to out: inout [UInt8])
  /// Appends `cell(at:column:)`'s UTF-8; true when every byte is printable ASCII (then the
  /// formatter neither escapes nor measures it). A source with its cells as bytes writes them
  /// without a `String` a cell.
  func appendCell(at i: Int, column: Int, to out: inout [UInt8]) -> Bool
  /// Appends `field(at:column:)`'s UTF-8, unquoted; nil (nothing appended) for a null field,
  /// true when every byte is printable ASCII.
  func appendField(at i: Int, column: Int, to out: inout [UInt8]) -> Bool?
  /// The display width of each column's widest cell (escaped as the formatter escapes it), or
  /// nil to have the formatter measure the cells. A source that knows them lets the table be
  /// written in one pass, with no buffer of the whole table.
  func columnWidths() -> [Int]?
  /// Writes rows from `range.lowerBound` on as a measured table lays them out (columns
  /// `widths` wide, padded on the left where `alignRight`, two spaces between, a new line
  /// after each) and returns the first row it did not write, which the formatter then writes
  /// cell by cell: a source with its rows' bytes at hand writes them without a call a cell,
  /// and stops at a row it cannot (a cell to escape, or wider than its column).
  func writeTableRows(
    _ range: Range<Int>, widths: [Int], alignRight: [Bool], to out: inout [UInt8]
  ) -> Int
  /// `writeTableRows` for CSV: rows as `streamCSV` writes them, until one it cannot.
  func writeCSVRows(_ range: Range<Int>, to out: inout [UInt8]) -> Int
}

extension RowSource {
  package func columnWidths() -> [Int]? { nil }

  package func writeTableRows(
    _ range: Range<Int>, widths: [Int], alignRight: [Bool], to out: inout [UInt8]
  ) -> Int { range.lowerBound }

  package func writeCSVRows(_ range: Range<Int>, to out: inout [UInt8]) -> Int {
    range.lowerBound
  }

  package func writeJSON(rows range: Range<Int>, to out: inout [UInt8]) {
    for i in range {
      if i > 0 { out.append(UInt8(ascii: ",")) }
      out.append(contentsOf: "\n  ".utf8)
      writeJSON(at: i, indent: 1, to: &out)
    }
  }

  package func appendCell(at i: Int, column: Int, to out: inout [UInt8]) -> Bool {
    let s = cell(at: i, column: column)
    out.append(contentsOf: s.utf8)
    return ResultFormatter.isPlainASCII(s)
  }

  package func appendField(at i: Int, column: Int, to out: inout [UInt8]) -> Bool? {
    guard let s = field(at: i, column: column) else { return nil }
    out.append(contentsOf: s.utf8)
    return ResultFormatter.isPlainASCII(s)
  }
}

extension ResultFormatter {
  /// Writes a result in chunks of about 64 KiB: a row source streamed, anything else rendered.
  package func stream(
    _ result: CommandResult, format: OutputFormat, to sink: (String) -> Void
  ) {
    streamBytes(result, format: format) { sink(String(decoding: $0, as: UTF8.self)) }
  }

  /// `stream`, each chunk handed over as its UTF-8 bytes (valid UTF-8), not made a `String`:
  /// a 100 000-dataset JSON listing is 50 MB.
  package func streamBytes(
    _ result: CommandResult, format: OutputFormat, to sink: (UnsafeBufferPointer<UInt8>) -> Void
  ) {
    guard let rows = result.rows, case .table(let columns) = result.presentation else {
      let text = render(result, format: format)
      if !text.isEmpty { Array(text.utf8).withUnsafeBufferPointer(sink) }
      return
    }
    withoutActuallyEscaping(sink) { sink in
      var out = ChunkedOutput(bytes: sink)
      switch format {
      case .table: streamTable(rows, columns, to: &out)
      case .csv: streamCSV(rows, columns, to: &out)
      case .json: streamJSON(rows, to: &out)
      }
      out.flush()
    }
  }

  /// RFC 4180 CSV with LF row ends, as `csv(_:_:)` writes it.
  package func streamCSV(_ rows: any RowSource, _ columns: [Column], to out: inout ChunkedOutput) {
    for (j, c) in columns.enumerated() {
      if j > 0 { out.append(",") }
      Self.csvField(TerminalText.safe(c.key), to: &out)
    }
    out.append("\n")
    RowBlocks.write(rows.count, to: &out) { range, out in
      Self.csvRows(rows, columns, range, to: &out)
    }
  }

  /// A CSV field, quoted when it holds a comma, a quote or a line end.
  private static func csvField(_ s: String, to out: inout ChunkedOutput) {
    // The general path compares Characters: a comma that carries a combining mark is not one.
    let quote =
      s.utf8.allSatisfy { $0 < 0x80 }
      ? s.utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D })
      : s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
    if quote {
      out.append("\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"")
    } else {
      out.append(s)
    }
  }

  /// Rows `range` of `streamCSV`.
  private static func csvRows(
    _ rows: any RowSource, _ columns: [Column], _ range: Range<Int>, to out: inout ChunkedOutput
  ) {
    var i = range.lowerBound
    while i < range.upperBound {
      // The rows the source writes itself (a few hundred at a time); the one it stops at here.
      let next = rows.writeCSVRows(i..<min(range.upperBound, i + 256), to: &out.bytes)
      out.flushIfFull()
      if next > i {
        i = next
        continue
      }
      for j in columns.indices {
        if j > 0 { out.append(",") }
        // A newline in a value stays one, inside quotes (RFC 4180), as the general path does.
        let mark = out.bytes.count
        guard let plain = rows.appendField(at: i, column: j, to: &out.bytes) else { continue }
        if plain
          && !out.bytes.withUnsafeBufferPointer({
            $0[mark...].contains(where: { $0 == 0x2C || $0 == 0x22 })
          })
        {
          continue
        }
        let f = String(decoding: out.bytes[mark...], as: UTF8.self)
        out.bytes.removeSubrange(mark...)
        csvField(plain ? f : TerminalText.safe(f, keepNewlines: true), to: &out)
      }
      out.append("\n")
      out.flushIfFull()
      i += 1
    }
  }

  /// `JSON.encode(.list(records)) + "\n"`, one record at a time.
  package func streamJSON(_ rows: any RowSource, to out: inout ChunkedOutput) {
    let n = rows.count
    guard n > 0 else {
      out.append("[]\n")
      return
    }
    out.append("[")
    RowBlocks.write(n, to: &out) { range, out in
      // A block of rows at a time (a few MiB at most), then flushed.
      var from = range.lowerBound
      while from < range.upperBound {
        let to = min(range.upperBound, from + 256)
        rows.writeJSON(rows: from..<to, to: &out.bytes)
        out.flushIfFull()
        from = to
      }
    }
    out.append("\n]\n")
  }

  /// The width a table gives a cell: printable ASCII is one column a byte; anything else is
  /// measured by `displayWidth` (the one place that knows about wide characters).
  package func columnWidth(_ s: String) -> Int {
    Self.isPlainASCII(s) ? s.utf8.count : displayWidth(s)
  }

  /// `TerminalText.safe` with a fast path for printable ASCII (nothing to escape).
  package static func safeText(_ s: String) -> String {
    isPlainASCII(s) ? s : TerminalText.safe(s)
  }

  /// Whether every byte is printable ASCII (no escaping, one column each).
  package static func isPlainASCII(_ s: String) -> Bool {
    s.utf8.withContiguousStorageIfAvailable { p in
      p.allSatisfy { $0 >= 0x20 && $0 <= 0x7E }
    } ?? s.utf8.allSatisfy { $0 >= 0x20 && $0 <= 0x7E }
  }

  /// Shrinks the widest cuttable columns until the table fits (never below 8 columns); a
  /// column marked `whole` (an id under `-l`, a host) is never cut.
  package static func shrink(
    _ widths: inout [Int], toFit width: Int, gap: Int = 2, whole: [Bool] = []
  ) {
    var total = widths.reduce(0, +) + gap * (widths.count - 1)
    while total > width {
      let cuttable = widths.indices.filter { !(whole.indices.contains($0) && whole[$0]) }
      guard let i = cuttable.max(by: { widths[$0] < widths[$1] }), widths[i] > 8 else {
        break
      }
      let cut = min(total - width, widths[i] - 8)
      widths[i] -= cut
      total -= cut
    }
  }
}

/// Bytes handed to a sink in chunks of about 64 KiB, so a listing never exists whole.
package struct ChunkedOutput {
  package var bytes: [UInt8] = []
  package let sink: (UnsafeBufferPointer<UInt8>) -> Void
  package static let chunk = 64 * 1024

  package init(bytes sink: @escaping (UnsafeBufferPointer<UInt8>) -> Void) {
    self.sink = sink
    bytes.reserveCapacity(Self.chunk + 4096)
  }

  package mutating func append(_ s: String) {
    bytes.append(contentsOf: s.utf8)
  }

  package mutating func spaces(_ n: Int) {
    if n > 0 { bytes.append(contentsOf: repeatElement(0x20, count: n)) }
  }

  package mutating func newline() {
    bytes.append(0x0A)
    flushIfFull()
  }

  /// False: the bytes are kept whole (a block written by `RowBlocks`' second thread).
  package var flushes = true

  package mutating func flushIfFull() {
    if flushes && bytes.count >= Self.chunk { flush() }
  }

  package mutating func flush() {
    guard !bytes.isEmpty else { return }
    bytes.withUnsafeBufferPointer(sink)
    bytes.removeAll(keepingCapacity: true)
  }
}

/// Pretty JSON written straight to bytes, as `JSON.encode` writes it (two-space indent).
package struct JSONBytes {
  /// `"text"`, escaped as `JSON.writeString` escapes it; printable ASCII is copied as is.
  package static func string(_ s: String, to out: inout [UInt8]) {
    let plain =
      s.utf8.withContiguousStorageIfAvailable { p in
        p.allSatisfy { $0 >= 0x20 && $0 <= 0x7E && $0 != 0x22 && $0 != 0x5C }
      } ?? false
    guard plain else {
      var text = ""
      JSON.writeString(s, to: &text)
      out.append(contentsOf: text.utf8)
      return
    }
    out.append(0x22)
    out.append(contentsOf: s.utf8)
    out.append(0x22)
  }

  /// `"text"` for the bytes `write` appends (returning true when they are printable ASCII):
  /// copied as they are unless they hold `"` or `\`; anything else goes through `string`.
  package static func quoted(to out: inout [UInt8], _ write: (inout [UInt8]) -> Bool) {
    out.append(0x22)
    let mark = out.count
    if write(&out) && !out[mark...].contains(where: { $0 == 0x22 || $0 == 0x5C }) {
      out.append(0x22)
      return
    }
    let s = String(decoding: out[mark...], as: UTF8.self)
    out.removeSubrange((mark - 1)...)
    string(s, to: &out)
  }

  package static func string(_ s: String?, to out: inout [UInt8]) {
    if let s { string(s, to: &out) } else { out.append(contentsOf: "null".utf8) }
  }

  package static func int(_ i: Int?, to out: inout [UInt8]) {
    guard let i, i >= 0 else {
      out.append(contentsOf: (i.map { String($0) } ?? "null").utf8)
      return
    }
    // In a buffer on the stack (no `String` a number).
    var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
    withUnsafeMutableBytes(of: &digits) { d in
      let p = d.baseAddress!.assumingMemoryBound(to: UInt8.self)
      out.append(contentsOf: UnsafeBufferPointer(start: p, count: Self.digits(i, at: p)))
    }
  }

  /// The decimal digits of `v` (not negative) written at `p`; how many (at most 19).
  @inlinable package static func digits(_ v: Int, at p: UnsafeMutablePointer<UInt8>) -> Int {
    var count = 1
    var rest = v / 10
    while rest > 0 {
      count += 1
      rest /= 10
    }
    var x = v
    for k in stride(from: count - 1, through: 0, by: -1) {
      p[k] = UInt8(truncatingIfNeeded: 0x30 + x % 10)
      x /= 10
    }
    return count
  }

  /// `,` unless first, a newline, the indent and `"key": `.
  package static func key(_ key: String, first: Bool, indent: Int, to out: inout [UInt8]) {
    if !first { out.append(0x2C) }
    out.append(0x0A)
    out.append(contentsOf: repeatElement(0x20, count: 2 * indent))
    string(key, to: &out)
    out.append(0x3A)
    out.append(0x20)
  }
}

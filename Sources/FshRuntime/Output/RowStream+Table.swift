// The table of a row source: columns sized to their widest cell, rows written as they come.

extension ResultFormatter {
  /// The table in two passes: cells are made, escaped and measured once into one byte buffer
  /// (no string per cell to keep or free), then laid out. A source that knows its columns'
  /// widths (`RowSource.columnWidths`) is written in one pass instead (`streamMeasuredTable`).
  package func streamTable(_ rows: any RowSource, _ columns: [Column], to out: inout ChunkedOutput)
  {
    let n = rows.count
    let k = columns.count
    guard n > 0 else { return }
    if let measured = rows.columnWidths() {
      return streamMeasuredTable(rows, columns, measured, to: &out)
    }
    var text: [UInt8] = []
    var ends: [Int32] = []
    var cellWidths: [Int32] = []
    text.reserveCapacity(n * k * 12)
    ends.reserveCapacity(n * k)
    cellWidths.reserveCapacity(n * k)
    var widths = columns.map { $0.title.count }
    for i in 0..<n {
      for j in 0..<k {
        let mark = text.count
        let w: Int
        if rows.appendCell(at: i, column: j, to: &text) {
          w = text.count - mark
        } else {
          let c = TerminalText.safe(String(decoding: text[mark...], as: UTF8.self))
          text.removeSubrange(mark...)
          w = columnWidth(c)
          text.append(contentsOf: c.utf8)
        }
        ends.append(Int32(truncatingIfNeeded: text.count))
        cellWidths.append(Int32(truncatingIfNeeded: w))
        widths[j] = max(widths[j], min(w, ResultFormatter.maximumCellWidth))
      }
    }
    if let width { ResultFormatter.shrink(&widths, toFit: width, whole: columns.map(\.whole)) }
    writeHeader(columns, widths, to: &out)
    var start = 0
    // Cells read through a pointer (a slice a cell retained and released the buffer).
    text.withUnsafeBufferPointer { text in
      for i in 0..<n {
        for j in 0..<k {
          let c = i * k + j
          let end = Int(ends[c])
          let mark = out.bytes.count
          out.bytes.append(contentsOf: UnsafeBufferPointer(rebasing: text[start..<end]))
          layOut(
            &out, from: mark, shown: Int(cellWidths[c]), width: widths[j],
            alignRight: columns[j].alignRight, last: j == k - 1)
          start = end
        }
        out.newline()
      }
    }
  }

  /// The table in one pass, for a source that measured its columns: each cell is written into
  /// the output as it is made (no buffer of the whole table).
  package func streamMeasuredTable(
    _ rows: any RowSource, _ columns: [Column], _ measured: [Int], to out: inout ChunkedOutput
  ) {
    var widths = columns.indices.map {
      max(columns[$0].title.count, min(measured[$0], ResultFormatter.maximumCellWidth))
    }
    if let width { ResultFormatter.shrink(&widths, toFit: width, whole: columns.map(\.whole)) }
    writeHeader(columns, widths, to: &out)
    let formatter = self
    RowBlocks.write(rows.count, to: &out) { range, out in
      formatter.measuredRows(rows, columns, widths, range, to: &out)
    }
  }

  /// Rows `range` of `streamMeasuredTable`, in columns `widths` wide.
  private func measuredRows(
    _ rows: any RowSource, _ columns: [Column], _ widths: [Int], _ range: Range<Int>,
    to out: inout ChunkedOutput
  ) {
    let k = columns.count
    let alignRight = columns.map(\.alignRight)
    var i = range.lowerBound
    while i < range.upperBound {
      // The rows the source writes itself (a few hundred at a time); the one it stops at here.
      let next = rows.writeTableRows(
        i..<min(range.upperBound, i + 256), widths: widths, alignRight: alignRight, to: &out.bytes)
      out.flushIfFull()
      if next > i {
        i = next
        continue
      }
      for j in 0..<k {
        let mark = out.bytes.count
        let shown: Int
        if rows.appendCell(at: i, column: j, to: &out.bytes) {
          shown = out.bytes.count - mark
        } else {
          let c = TerminalText.safe(String(decoding: out.bytes[mark...], as: UTF8.self))
          out.bytes.removeSubrange(mark...)
          out.append(c)
          shown = columnWidth(c)
        }
        layOut(
          &out, from: mark, shown: shown, width: widths[j], alignRight: columns[j].alignRight,
          last: j == k - 1)
      }
      out.newline()
      i += 1
    }
  }

  /// The titles, bold when in color.
  private func writeHeader(_ columns: [Column], _ widths: [Int], to out: inout ChunkedOutput) {
    if color { out.append("\u{1B}[1m") }
    for j in columns.indices {
      let mark = out.bytes.count
      out.append(columns[j].title)
      layOut(
        &out, from: mark, shown: columnWidth(columns[j].title), width: widths[j],
        alignRight: false, last: j == columns.count - 1)
    }
    if color { out.append("\u{1B}[0m") }
    out.newline()
  }

  /// Lays out the cell just written at `out.bytes[mark...]` (`shown` columns wide) in a column
  /// `width` wide: cut when wider, padded on the left when right-aligned (else on the right),
  /// and two spaces after every column but the last.
  private func layOut(
    _ out: inout ChunkedOutput, from mark: Int, shown: Int, width: Int, alignRight: Bool,
    last: Bool
  ) {
    var shown = shown
    if shown > width {
      let cut = truncate(String(decoding: out.bytes[mark...], as: UTF8.self), width)
      out.bytes.removeSubrange(mark...)
      out.append(cut)
      shown = columnWidth(cut)
    }
    let pad = max(0, width - shown)
    if alignRight {
      if pad > 0 { out.bytes.insert(contentsOf: repeatElement(0x20, count: pad), at: mark) }
    } else if !last {
      out.spaces(pad)
    }
    if !last { out.spaces(2) }
  }

  /// The width the table gives a raw cell: escaped, then measured.
  package static func shownWidth(_ raw: String) -> Int {
    if isPlainASCII(raw) { return raw.utf8.count }
    let c = TerminalText.safe(raw)
    return isPlainASCII(c) ? c.utf8.count : DisplayWidth.of(c)
  }
}

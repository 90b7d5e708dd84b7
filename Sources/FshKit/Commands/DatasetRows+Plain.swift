// The rows of a long listing written from their records (`ListingEntry`): a table row or a
// CSV record is made in a line buffer from pointers and lengths and appended once. No
// array is copied (two threads write rows at once, and each copy of a shared array counts a
// reference in memory both cores write), no cell goes through a call of its own. A row with a
// cell that is not printable ASCII, needs quoting, or is wider than its column is left to the
// formatter, which writes it cell by cell (`appendCell`, `appendField`).

import FshClient
import FshModel
import FshRuntime
import Synchronization

/// The cells rows share (sizes, statuses, nodes, `-`, `default`) in one byte buffer, found by
/// number.
struct SharedCells: Sendable {
  struct Cell: Sendable {
    var start: Int32
    var count: Int32
    /// Printable ASCII, and in CSV needing no quotes.
    var plain: Bool
  }

  private(set) var bytes: [UInt8] = []
  private(set) var cells: [Cell] = []
  /// The longest cell's length (a JSON row's line buffer makes room for its node fields).
  private(set) var longest = 0

  /// Adds a cell and returns its number.
  mutating func add(_ text: [UInt8], plain: Bool) -> Int32 {
    longest = max(longest, text.count)
    cells.append(Cell(start: Int32(bytes.count), count: Int32(text.count), plain: plain))
    bytes.append(contentsOf: text)
    return Int32(cells.count - 1)
  }

  /// Where each kind of cell starts: a size's cell is `sizes + n`, and so on.
  struct Numbers: Sendable {
    var sizes: Int32 = 0
    var decimals: Int32 = 0
    var statuses: Int32 = 0
    var nodes: Int32 = 0
    var primaries: Int32 = 0
    var dash: Int32 = 0
    var unsized: Int32 = 0
    /// JSON: the key lines (by `DatasetRows.jsonKeys`), the statuses, the nodes' fields, and
    /// the other fixed parts.
    var keys: Int32 = 0
    var statusJSON: Int32 = 0
    var nodeJSON: Int32 = 0
    var null: Int32 = 0
    var `true`: Int32 = 0
    var `false`: Int32 = 0
    var open: Int32 = 0
    var close: Int32 = 0
    var metadataName: Int32 = 0
    var metadataClose: Int32 = 0
    var empty: Int32 = 0
  }

  static func make(
    sizes: [(cell: [UInt8], decimal: [UInt8], width: Int)],
    nodes: [(text: [UInt8], plain: Bool, width: Int, primary: [UInt8], primaryPlain: Bool)],
    nodeJSON: [[UInt8]]
  ) -> (SharedCells, Numbers) {
    var s = SharedCells()
    var n = Numbers()
    func plain(_ b: [UInt8]) -> Bool { b.allSatisfy { $0 >= 0x20 && $0 <= 0x7E } }
    func csv(_ b: [UInt8]) -> Bool { plain(b) && !b.contains(0x2C) && !b.contains(0x22) }
    n.sizes = Int32(s.cells.count)
    for size in sizes {
      _ = s.add(size.cell, plain: plain(size.cell) && size.width == size.cell.count)
    }
    n.decimals = Int32(s.cells.count)
    for size in sizes { _ = s.add(size.decimal, plain: csv(size.decimal)) }
    n.statuses = Int32(s.cells.count)
    for text in DatasetRows.statusText { _ = s.add(text, plain: csv(text)) }
    n.nodes = Int32(s.cells.count)
    for node in nodes { _ = s.add(node.text, plain: node.plain && node.width == node.text.count) }
    n.primaries = Int32(s.cells.count)
    for node in nodes { _ = s.add(node.primary, plain: node.primaryPlain && csv(node.primary)) }
    n.dash = s.add(Array("-".utf8), plain: true)
    n.unsized = s.add(Array("default".utf8), plain: true)
    let frame = DatasetRows.rowFrame
    n.keys = Int32(s.cells.count)
    for key in DatasetRows.jsonKeys { _ = s.add(frame[key], plain: true) }
    n.statusJSON = Int32(s.cells.count)
    for text in DatasetRows.statusJSON { _ = s.add(text, plain: true) }
    n.nodeJSON = Int32(s.cells.count)
    for fields in nodeJSON { _ = s.add(fields, plain: true) }
    n.null = s.add(DatasetRows.null, plain: true)
    n.true = s.add(Array("true".utf8), plain: true)
    n.false = s.add(Array("false".utf8), plain: true)
    n.open = s.add(Array("\n  {".utf8), plain: true)
    n.close = s.add(Array("\n  }".utf8), plain: true)
    n.metadataName = s.add(frame.metadataName, plain: true)
    n.metadataClose = s.add(frame.metadataClose, plain: true)
    n.empty = s.add(Array("{}".utf8), plain: true)
    return (s, n)
  }
}

extension DatasetRows {
  /// The fields' kinds as small numbers (nil when a column is none of the six: then every row
  /// goes cell by cell).
  static func codes(_ fields: [Field]) -> [UInt8]? {
    var codes: [UInt8] = []
    for f in fields {
      switch f {
      case .id: codes.append(0)
      case .name: codes.append(1)
      case .size: codes.append(2)
      case .status: codes.append(3)
      case .node: codes.append(4)
      case .path: codes.append(5)
      case .other: return nil
      }
    }
    return codes
  }

  func writeTableRows(
    _ range: Range<Int>, widths: [Int], alignRight: [Bool], to out: inout [UInt8]
  ) -> Int {
    guard codes != nil else { return range.lowerBound }
    let most = widths.reduce(0, +) + 2 * widths.count + 1
    return withLines(range, most: most, to: &out) { i, p, bytes, shared, line in
      var at = 0
      let k = widths.count
      for j in 0..<k {
        guard let (cell, n) = tableCell(codes![j], i, p, bytes, shared) else { return nil }
        let width = widths[j]
        guard n <= width else { return nil }
        let last = j == k - 1
        if alignRight[j] {
          (line + at).initialize(repeating: 0x20, count: width - n)
          at += width - n
        }
        copyBytes(line + at, cell, n)
        at += n
        if !alignRight[j] && !last {
          (line + at).initialize(repeating: 0x20, count: width - n)
          at += width - n
        }
        if !last {
          line[at] = 0x20
          line[at + 1] = 0x20
          at += 2
        }
      }
      line[at] = 0x0A
      return at + 1
    }
  }

  /// A table cell's bytes and length; nil when the row must go cell by cell.
  @inline(__always) private func tableCell(
    _ code: UInt8, _ i: Int, _ p: ListingEntry, _ bytes: Bytes, _ shared: Shared
  ) -> (UnsafePointer<UInt8>, Int)? {
    func cell(_ n: Int32) -> (UnsafePointer<UInt8>, Int)? {
      let c = shared.cells[Int(n)]
      return c.plain ? (shared.bytes + Int(c.start), Int(c.count)) : nil
    }
    switch code {
    case 0: return (bytes.0 + Int(p.id.start), long ? Int(p.id.count) : min(8, Int(p.id.count)))
    case 1:
      return p.name.isNone ? cell(numbers.dash) : (bytes.0 + Int(p.name.start), Int(p.name.count))
    case 2:
      let s = sizeCell[i]
      return cell(s < 0 ? numbers.unsized : numbers.sizes + s)
    case 3: return cell(numbers.statuses + Int32(Self.statusIndex(p.status)))
    case 4: return cell(numbers.nodes + nodeCell[i])
    default:
      return p.path.isNone ? cell(numbers.dash) : (bytes.1 + Int(p.path.start), Int(p.path.count))
    }
  }

  func writeCSVRows(_ range: Range<Int>, to out: inout [UInt8]) -> Int {
    guard let codes else { return range.lowerBound }
    return withLines(range, most: codes.count * 1024 + 1, to: &out) { i, p, bytes, shared, line in
      var at = 0
      for j in codes.indices {
        if j > 0 {
          line[at] = 0x2C
          at += 1
        }
        let cell: UnsafePointer<UInt8>
        let n: Int
        switch codes[j] {
        case 0: (cell, n) = (bytes.0 + Int(p.id.start), Int(p.id.count))
        case 1:
          guard !p.name.isNone else { continue }
          (cell, n) = (bytes.0 + Int(p.name.start), Int(p.name.count))
        case 5:
          guard !p.path.isNone else { continue }
          (cell, n) = (bytes.1 + Int(p.path.start), Int(p.path.count))
        default:
          let number: Int32
          switch codes[j] {
          case 2:
            guard sizeCell[i] >= 0 else { continue }
            number = numbers.decimals + sizeCell[i]
          case 3: number = numbers.statuses + Int32(Self.statusIndex(p.status))
          default:
            guard p.primary >= 0 else { continue }
            number = numbers.primaries + nodeCell[i]
          }
          let c = shared.cells[Int(number)]
          guard c.plain else { return nil }
          (cell, n) = (shared.bytes + Int(c.start), Int(c.count))
        }
        // Quoted in CSV (the formatter does it): a comma or a quote.
        guard n <= 1024, !holds(cell, n, 0x2C, 0x22) else { return nil }
        copyBytes(line + at, cell, n)
        at += n
      }
      line[at] = 0x0A
      return at + 1
    }
  }

  typealias Bytes = (UnsafePointer<UInt8>, UnsafePointer<UInt8>)
  typealias Shared = (bytes: UnsafePointer<UInt8>, cells: UnsafeBufferPointer<SharedCells.Cell>)

  /// Rows from `range.lowerBound` on, each made by `make` in a line buffer of `most` bytes
  /// (given the row, its record, the listing's bytes and the shared cells; returning its
  /// length, or nil when the row must go cell by cell) and appended; the first row not written.
  func withLines(
    _ range: Range<Int>, most: Int, to out: inout [UInt8],
    _ make: (Int, ListingEntry, Bytes, Shared, UnsafeMutablePointer<UInt8>) -> Int?
  ) -> Int {
    let line = UnsafeMutablePointer<UInt8>.allocate(capacity: most)
    defer { line.deallocate() }
    let none = UnsafePointer(line)
    return listing.withBytes { c, s in
      listing.entries.withUnsafeBufferPointer { entries in
        rows.withUnsafeBufferPointer { rows in
          shared.bytes.withUnsafeBufferPointer { sharedBytes in
            shared.cells.withUnsafeBufferPointer { cells in
              let bytes = (c.baseAddress ?? none, s.baseAddress ?? none)
              let shared = (sharedBytes.baseAddress ?? none, cells)
              touch(range, rows, entries, bytes)
              for i in range {
                let p = entries[Int(rows[i])]
                guard p.has(ListingEntry.plain),
                  let n = make(i, p, bytes, shared, line)
                else { return i }
                out.append(contentsOf: UnsafeBufferPointer(start: line, count: n))
              }
              return range.upperBound
            }
          }
        }
      }
    }
  }

  /// Reads a byte of each row's id, name and path before the rows are written. They lie all
  /// over memory, and a loop that only reads them has dozens of cache misses in flight where
  /// the writing loop, with a few hundred instructions a row, has two or three; the writing
  /// then finds them in the cache.
  private func touch(
    _ range: Range<Int>, _ rows: UnsafeBufferPointer<Int32>,
    _ entries: UnsafeBufferPointer<ListingEntry>, _ bytes: Bytes
  ) {
    var seen: UInt8 = 0
    for i in range {
      let p = entries[Int(rows[i])]
      seen ^= bytes.0[Int(p.id.start)]
      if p.name.count > 0 { seen ^= bytes.0[Int(p.name.start + UInt32(p.name.count - 1))] }
      if p.path.count > 0 {
        seen ^= bytes.1[Int(p.path.start)] ^ bytes.1[Int(p.path.start + UInt32(p.path.count - 1))]
      }
    }
    touched.store(seen, ordering: .relaxed)
  }

}

/// `n` bytes from `from` to `to` (which do not overlap), eight at a time, the last eight
/// overlapping: a row is a score of short pieces, and a `memmove` call each was most of
/// writing one.
@inline(__always) func copyBytes(
  _ to: UnsafeMutablePointer<UInt8>, _ from: UnsafePointer<UInt8>, _ n: Int
) {
  guard n >= 8 else {
    for k in 0..<n { to[k] = from[k] }
    return
  }
  let t = UnsafeMutableRawPointer(to)
  let f = UnsafeRawPointer(from)
  var k = 0
  while k + 8 <= n {
    t.storeBytes(
      of: f.loadUnaligned(fromByteOffset: k, as: UInt64.self), toByteOffset: k, as: UInt64.self)
    k += 8
  }
  if k < n {
    t.storeBytes(
      of: f.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self), toByteOffset: n - 8,
      as: UInt64.self)
  }
}

/// What `touch` read (kept, so that the reads are not left out).
private let touched = Atomic<UInt8>(0)

/// Whether `p[0..<n]` holds the byte `a` or `b` (eight bytes at a time).
@inline(__always) func holds(_ p: UnsafePointer<UInt8>, _ n: Int, _ a: UInt8, _ b: UInt8)
  -> Bool
{
  let raw = UnsafeRawPointer(p)
  let ones: UInt64 = 0x0101_0101_0101_0101
  let wa = ones &* UInt64(a)
  let wb = ones &* UInt64(b)
  var found: UInt64 = 0
  var k = 0
  while k + 8 <= n {
    let w = raw.loadUnaligned(fromByteOffset: k, as: UInt64.self)
    let x = w ^ wa
    let y = w ^ wb
    found |= ((x &- ones) & ~x) | ((y &- ones) & ~y)
    k += 8
  }
  // A zero byte sets its high bit here (the borrow can only mark bytes past a true one).
  if found & 0x8080_8080_8080_8080 != 0 { return true }
  while k < n {
    if p[k] == a || p[k] == b { return true }
    k += 1
  }
  return false
}

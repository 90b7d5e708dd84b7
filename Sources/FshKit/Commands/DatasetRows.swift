/// `datasets` rows read straight from the merged listing's bytes: table cells, CSV fields and
/// JSON without a `Value`, or a `String` a cell, per row. Each must equal what the general path
/// gives from `DatasetView.value` through `Datasets.columns` and the formatter; the tests
/// compare the two row for row in every format.

import FshClient
import FshModel
import FshRuntime

struct DatasetRows: RowSource {
  enum Field {
    case id, name, size, status, node, path
    case other(String)
  }

  /// The listing (shared, not copied) and the positions of the listed rows.
  let listing: DatasetListing
  let rows: [Int32]
  let long: Bool
  let fields: [Field]
  /// `Sizes.format` of each distinct size (it formats through Foundation; sizes repeat), its
  /// decimal digits and width; and each row's, by its number there (-1: no size).
  let sizeCells: [(cell: [UInt8], decimal: [UInt8], width: Int)]
  let sizeCell: [Int32]
  /// The NODE cell of each listed row, by its number in `nodeCells`: a handful of nodes make a
  /// handful of distinct cells.
  let nodeCell: [Int32]
  /// (With the primary's bytes, the CSV field, which only the node numbers decide too.)
  let nodeCells: [(text: [UInt8], plain: Bool, width: Int, primary: [UInt8], primaryPlain: Bool)]
  /// The node fields of a row's JSON (`nodeFields` at depth 1), by the same number.
  let nodeJSON: [[UInt8]]
  /// `fields` as `codes` numbers them; the shared cells of the rows written from `plain`.
  let codes: [UInt8]?
  let shared: SharedCells
  let numbers: SharedCells.Numbers
  /// The widest id, name and path of the plain rows (`ListingEntry.plain`: a byte a
  /// column), whether one has no name, no path; the rows that are not plain; the statuses.
  let widest: (id: Int, name: Int, path: Int)
  let unnamed, pathless: Bool
  let others: [Int]
  let statusesSeen: Set<DatasetStatus>

  init(_ listing: DatasetListing, rows: [Int32], columns: [Column], long: Bool) {
    self.listing = listing
    self.rows = rows
    self.long = long
    fields = columns.map { c in
      switch DatasetField(rawValue: c.key) {
      case .datasetID?: return .id
      case .name?: return .name
      case .size?: return .size
      case .status?: return .status
      case .primary?: return .node
      case .path?: return .path
      default: return .other(c.key)
      }
    }
    var sizeNumber: [Int: Int32] = [:]
    var sizeCells: [(cell: [UInt8], decimal: [UInt8], width: Int)] = []
    var sizeCell: [Int32] = []
    sizeCell.reserveCapacity(rows.count)
    let attachedCount = listing.attachedNodeCount + 1
    // By (primary, attached node) number: a handful of nodes, so an array, not a dictionary.
    var cellNumber = [Int32](
      repeating: -1, count: (listing.configuredNodeCount + 1) * attachedCount)
    var lastSize: Int? = nil
    var lastNumber: Int32 = -1
    var recentSizes = [(size: Int, number: Int32)](repeating: (0, -1), count: 64)
    var cells: [(text: [UInt8], plain: Bool, width: Int, primary: [UInt8], primaryPlain: Bool)] =
      []
    var json: [[UInt8]] = []
    var nodeCell: [Int32] = []
    nodeCell.reserveCapacity(rows.count)
    var unnamed = false
    var pathless = false
    var widest = (id: 0, name: 0, path: 0)
    var others: [Int] = []
    var seen: UInt32 = 0
    let entries = listing.entries
    for (i, r) in rows.enumerated() {
      let p = entries[Int(r)]
      seen |= 1 << DatasetRows.statusIndex(p.status)
      if p.has(ListingEntry.plain) {
        widest.id = max(widest.id, Int(p.id.count))
        widest.name = max(widest.name, Int(p.name.count))
        widest.path = max(widest.path, Int(p.path.count))
        unnamed = unnamed || p.name.isNone
        pathless = pathless || p.path.isNone
      } else {
        others.append(i)
      }
      // Sizes repeat: looked up only when one differs from the row before, first in a small
      // table by the size's hash (a listing has a handful of distinct sizes, in any order).
      if !p.has(ListingEntry.hasSize) {
        sizeCell.append(-1)
      } else {
        if p.size != lastSize {
          lastSize = p.size
          let place = Int(
            truncatingIfNeeded: (UInt64(bitPattern: Int64(p.size)) &* 0x9E37_79B9_7F4A_7C15) >> 58)
          if recentSizes[place].size == p.size && recentSizes[place].number >= 0 {
            lastNumber = recentSizes[place].number
          } else if let n = sizeNumber[p.size] {
            lastNumber = n
            recentSizes[place] = (p.size, n)
          } else {
            let cell = Sizes.format(p.size)
            lastNumber = Int32(sizeCells.count)
            sizeNumber[p.size] = lastNumber
            recentSizes[place] = (p.size, lastNumber)
            sizeCells.append(
              (Array(cell.utf8), Array(String(p.size).utf8), ResultFormatter.shownWidth(cell)))
          }
        }
        sizeCell.append(lastNumber)
      }
      let key = (Int(p.primary) + 1) * attachedCount + Int(p.attached) + 1
      if cellNumber[key] >= 0 {
        nodeCell.append(cellNumber[key])
        continue
      }
      let r = Int(r)
      let attached = listing.attachedNode(r)
      let text = Datasets.nodeCell(
        primary: listing.primary(r), host: listing.configuredNode(r)?.host,
        attached: attached?.uuid,
        attachedHost: attached.flatMap { $0.host.isEmpty ? nil : $0.host },
        long: long)
      cellNumber[key] = Int32(cells.count)
      nodeCell.append(Int32(cells.count))
      let primary = listing.primary(r) ?? ""
      cells.append(
        (
          Array(text.utf8), ResultFormatter.isPlainASCII(text), ResultFormatter.shownWidth(text),
          Array(primary.utf8), ResultFormatter.isPlainASCII(primary)
        ))
      var fields: [UInt8] = []
      Self.nodeFields(
        primary: listing.primary(r), host: listing.configuredNode(r)?.host, attached: attached,
        frame: Self.rowFrame, to: &fields)
      json.append(fields)
    }
    self.sizeCells = sizeCells
    self.sizeCell = sizeCell
    codes = Self.codes(fields)
    (shared, numbers) = SharedCells.make(sizes: sizeCells, nodes: cells, nodeJSON: json)
    self.nodeCell = nodeCell
    nodeCells = cells
    nodeJSON = json
    self.unnamed = unnamed
    self.pathless = pathless
    self.widest = widest
    self.others = others
    statusesSeen = Set(DatasetStatus.allCases.filter { seen & (1 << Self.statusIndex($0)) != 0 })
  }

  var count: Int { rows.count }

  /// The widest cell of each column: a handful of distinct sizes, statuses and node cells;
  /// the ids, names and paths from `plain` (printable ASCII: a byte a column), and measured
  /// cell by cell only for the rows that are not there.
  func columnWidths() -> [Int]? {
    return fields.indices.map { j in
      switch fields[j] {
      case .size:
        var widest = 0
        for size in sizeCells { widest = max(widest, size.width) }
        if sizeCell.contains(-1) { widest = max(widest, 7) }
        return widest
      case .status:
        return statusesSeen.map(\.rawValue.count).max() ?? 0
      case .node:
        var used = [Bool](repeating: false, count: nodeCells.count)
        for n in nodeCell { used[Int(n)] = true }
        return nodeCells.indices.filter { used[$0] }.map { nodeCells[$0].width }.max() ?? 0
      case .id: return measure(others, j, from: long ? widest.id : min(8, widest.id))
      case .name: return measure(others, j, from: max(widest.name, unnamed ? 1 : 0))
      case .path: return measure(others, j, from: max(widest.path, pathless ? 1 : 0))
      case .other: return measure(0..<count, j, from: 0)
      }
    }
  }

  /// The widest of `widest` and column `j`'s cells in rows `rows`, written to be measured.
  private func measure<S: Sequence<Int>>(_ rows: S, _ j: Int, from widest: Int) -> Int {
    var widest = widest
    var scratch: [UInt8] = []
    for i in rows {
      scratch.removeAll(keepingCapacity: true)
      let plain = appendCell(at: i, column: j, to: &scratch)
      let w =
        plain ? scratch.count : ResultFormatter.shownWidth(String(decoding: scratch, as: UTF8.self))
      widest = max(widest, w)
    }
    return widest
  }

  func value(at i: Int) -> Value { listing.view(Int(rows[i])).value }

  func cell(at i: Int, column: Int) -> String {
    var out: [UInt8] = []
    _ = appendCell(at: i, column: column, to: &out)
    return String(decoding: out, as: UTF8.self)
  }

  func appendCell(at i: Int, column: Int, to out: inout [UInt8]) -> Bool {
    let r = Int(rows[i])
    switch fields[column] {
    case .id:
      if long { return listing.appendID(r, to: &out) }
      if listing.appendShortID(r, to: &out) { return true }
      return append(ClusterView.shortID(listing.datasetID(r)), to: &out)
    case .name:
      guard listing.hasName(r) else { return append("-", to: &out) }
      return listing.appendName(r, to: &out)
    case .size:
      guard sizeCell[i] >= 0 else { return append("default", to: &out) }
      out.append(contentsOf: sizeCells[Int(sizeCell[i])].cell)
      return true
    case .status:
      out.append(contentsOf: Self.statusText[Self.statusIndex(listing.statuses[r])])
      return true
    case .node:
      let cell = nodeCells[Int(nodeCell[i])]
      out.append(contentsOf: cell.text)
      return cell.plain
    case .path:
      guard listing.hasPath(r) else { return append("-", to: &out) }
      return listing.appendPath(r, to: &out)
    case .other(let key): return append(ResultFormatter.cell(value(at: i)[key]), to: &out)
    }
  }

  func field(at i: Int, column: Int) -> String? {
    var out: [UInt8] = []
    guard appendField(at: i, column: column, to: &out) != nil else { return nil }
    return String(decoding: out, as: UTF8.self)
  }

  func appendField(at i: Int, column: Int, to out: inout [UInt8]) -> Bool? {
    let r = Int(rows[i])
    switch fields[column] {
    case .id: return listing.appendID(r, to: &out)
    case .name: return listing.hasName(r) ? listing.appendName(r, to: &out) : nil
    case .size:
      guard sizeCell[i] >= 0 else { return nil }
      out.append(contentsOf: sizeCells[Int(sizeCell[i])].decimal)
      return true
    case .status:
      out.append(contentsOf: Self.statusText[Self.statusIndex(listing.statuses[r])])
      return true
    case .node:
      guard listing.primaryNumber(r) >= 0 else { return nil }
      let cell = nodeCells[Int(nodeCell[i])]
      out.append(contentsOf: cell.primary)
      return cell.primaryPlain
    case .path: return listing.hasPath(r) ? listing.appendPath(r, to: &out) : nil
    case .other(let key):
      guard let f = value(at: i)[key], f != .null else { return nil }
      return append(ResultFormatter.cell(f), to: &out)
    }
  }

  private func append(_ s: String, to out: inout [UInt8]) -> Bool {
    out.append(contentsOf: s.utf8)
    return ResultFormatter.isPlainASCII(s)
  }

  static let null: [UInt8] = Array("null".utf8)
  /// A status's number: where its texts are in `statusText` and `statusJSON`.
  static func statusIndex(_ s: DatasetStatus) -> Int {
    switch s {
    case .pending: 0
    case .attached: 1
    case .moving: 2
    case .detached: 3
    case .unknown: 4
    case .deleting: 5
    case .deleted: 6
    }
  }
  static let statusText: [[UInt8]] = statusTable { Array($0.rawValue.utf8) }
  static let statusJSON: [[UInt8]] = statusTable { Array("\"\($0.rawValue)\"".utf8) }
  private static func statusTable(_ text: (DatasetStatus) -> [UInt8]) -> [[UInt8]] {
    var table = [[UInt8]](repeating: [], count: DatasetStatus.allCases.count)
    for s in DatasetStatus.allCases { table[statusIndex(s)] = text(s) }
    return table
  }
}

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
  /// `Sizes.format` of each distinct size (it formats through Foundation; sizes repeat), and
  /// its decimal digits.
  let sizes: [Int: (cell: [UInt8], decimal: [UInt8], width: Int)]
  /// The NODE cell of each listed row, by its number in `nodeCells`: a handful of nodes make a
  /// handful of distinct cells.
  let nodeCell: [Int32]
  /// (With the primary's bytes, the CSV field, which only the node numbers decide too.)
  let nodeCells: [(text: [UInt8], plain: Bool, width: Int, primary: [UInt8], primaryPlain: Bool)]
  /// The node fields of a row's JSON (`nodeFields` at depth 1), by the same number.
  let nodeJSON: [[UInt8]]

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
    var sizes: [Int: (cell: [UInt8], decimal: [UInt8], width: Int)] = [:]
    let attachedCount = listing.attachedNodeCount + 1
    // By (primary, attached node) number: a handful of nodes, so an array, not a dictionary.
    var cellNumber = [Int32](
      repeating: -1, count: (listing.configuredNodeCount + 1) * attachedCount)
    var lastSize = Int.min
    var cells: [(text: [UInt8], plain: Bool, width: Int, primary: [UInt8], primaryPlain: Bool)] =
      []
    var json: [[UInt8]] = []
    var nodeCell: [Int32] = []
    nodeCell.reserveCapacity(rows.count)
    for row in rows {
      let r = Int(row)
      // Sizes repeat: looked up only when one differs from the row before.
      if let n = listing.size(r), n != lastSize {
        lastSize = n
        if sizes[n] == nil {
          let cell = Sizes.format(n)
          sizes[n] = (Array(cell.utf8), Array(String(n).utf8), ResultFormatter.shownWidth(cell))
        }
      }
      let key = (listing.primaryNumber(r) + 1) * attachedCount + listing.attachedNumber(r) + 1
      if cellNumber[key] >= 0 {
        nodeCell.append(cellNumber[key])
        continue
      }
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
    self.sizes = sizes
    self.nodeCell = nodeCell
    nodeCells = cells
    nodeJSON = json
  }

  var count: Int { rows.count }

  /// The widest cell of each column: a handful of distinct sizes, statuses and node cells, and
  /// the ids, names and paths measured from their bytes (a width is their length when they are
  /// printable ASCII).
  func columnWidths() -> [Int]? {
    // The columns measured cell by cell (ids, names, paths), over the two halves at once.
    let measured = fields.indices.filter {
      switch fields[$0] {
      case .size, .status, .node: return false
      default: return true
      }
    }
    let source = self
    let halves = RowBlocks.halves(count) { range in
      var scratch: [UInt8] = []
      return measured.map { j in
        var widest = 0
        for i in range {
          if let w = source.plainWidth(at: i, column: j) {
            widest = max(widest, w)
            continue
          }
          scratch.removeAll(keepingCapacity: true)
          let plain = source.appendCell(at: i, column: j, to: &scratch)
          let w =
            plain
            ? scratch.count : ResultFormatter.shownWidth(String(decoding: scratch, as: UTF8.self))
          widest = max(widest, w)
        }
        return widest
      }
    }
    return fields.indices.map { j in
      switch fields[j] {
      case .size:
        var widest = 0
        for (_, size) in sizes { widest = max(widest, size.width) }
        if rows.contains(where: { listing.size(Int($0)) == nil }) { widest = max(widest, 7) }
        return widest
      case .status:
        var seen = Set<DatasetStatus>()
        for r in rows { seen.insert(listing.statuses[Int(r)]) }
        return seen.map(\.rawValue.count).max() ?? 0
      case .node:
        var used = [Bool](repeating: false, count: nodeCells.count)
        for n in nodeCell { used[Int(n)] = true }
        return nodeCells.indices.filter { used[$0] }.map { nodeCells[$0].width }.max() ?? 0
      default:
        let m = measured.firstIndex(of: j)!
        return halves.map { $0[m] }.max()!
      }
    }
  }

  /// A cell's width from the listing's spans alone, when it is printable ASCII; nil when the
  /// cell must be written to be measured.
  func plainWidth(at i: Int, column: Int) -> Int? {
    let r = Int(rows[i])
    switch fields[column] {
    case .id: return listing.plainIDWidth(r, long: long)
    case .name: return listing.hasName(r) ? listing.plainNameWidth(r) : 1
    case .path: return listing.hasPath(r) ? listing.plainPathWidth(r) : 1
    default: return nil
    }
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
      guard let n = listing.size(r) else { return append("default", to: &out) }
      out.append(contentsOf: sizes[n]!.cell)
      return true
    case .status:
      out.append(contentsOf: Self.statusText[listing.statuses[r]]!)
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
      guard let n = listing.size(r) else { return nil }
      out.append(contentsOf: sizes[n]!.decimal)
      return true
    case .status:
      out.append(contentsOf: Self.statusText[listing.statuses[r]]!)
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

  /// The JSON around a row's values at nesting depth `indent`: each key's line, the opening
  /// of a metadata object holding only `name`, and its close.
  struct JSONFrame {
    /// Each field's key line, by the field's position in `DatasetField.allCases`.
    private var keys: [[UInt8]]
    var metadataName: [UInt8]
    var metadataClose: [UInt8]

    /// A field's key line.
    subscript(field: DatasetField) -> [UInt8] { keys[DatasetField.position[field.key]!] }

    init(indent: Int) {
      let d = indent + 1
      keys = DatasetField.allCases.enumerated().map { n, f in
        var line: [UInt8] = []
        JSONBytes.key(f.key, first: n == 0, indent: d, to: &line)
        return line
      }
      metadataName = [UInt8(ascii: "{")]
      JSONBytes.key("name", first: true, indent: d + 1, to: &metadataName)
      metadataClose = [0x0A] + Array(repeating: 0x20, count: 2 * d) + [UInt8(ascii: "}")]
    }
  }

  /// A listing's rows are at depth 1: their frame is made once.
  static let rowFrame = JSONFrame(indent: 1)
  static let rowKeys = FieldKeys(rowFrame)

  /// The key lines `writeJSON` writes one by one, looked up once per frame (not per row).
  struct FieldKeys {
    let datasetID, name, status, size, path, deleted, metadata, actualSize: [UInt8]
    init(_ f: JSONFrame) {
      datasetID = f[.datasetID]
      name = f[.name]
      status = f[.status]
      size = f[.size]
      path = f[.path]
      deleted = f[.deleted]
      metadata = f[.metadata]
      actualSize = f[.actualSize]
    }
  }

  /// `primary`, `node`, `host`, `attached_node` and `attached_host` with their keys: the same
  /// for every row on the same nodes.
  static func nodeFields(
    primary: String?, host: String?, attached: Node?, frame: JSONFrame, to out: inout [UInt8]
  ) {
    out.append(contentsOf: frame[.primary])
    JSONBytes.string(primary, to: &out)
    out.append(contentsOf: frame[.node])
    JSONBytes.string(primary.map(ClusterView.shortID), to: &out)
    out.append(contentsOf: frame[.host])
    JSONBytes.string(host, to: &out)
    out.append(contentsOf: frame[.attachedNode])
    JSONBytes.string(attached?.uuid, to: &out)
    out.append(contentsOf: frame[.attachedHost])
    JSONBytes.string(attached.flatMap { $0.host.isEmpty ? nil : $0.host }, to: &out)
  }

  /// The record of `DatasetView.value`, field for field, as pretty JSON.
  func writeJSON(at i: Int, indent: Int, to out: inout [UInt8]) {
    let frame = indent == 1 ? Self.rowFrame : JSONFrame(indent: indent)
    writeJSON(at: i, indent: indent, frame: frame, keys: FieldKeys(frame), to: &out)
  }

  /// Rows `range` at depth 1, each after `,` (but the first of all) and a new line: what
  /// `streamJSON` writes. The frame, its keys and the tables are read once for the range, not
  /// once a row (two threads write rows at once, and each copy of a shared array counts a
  /// reference in memory both cores write).
  func writeJSON(rows range: Range<Int>, to out: inout [UInt8]) {
    let frame = Self.rowFrame
    let keys = Self.rowKeys
    for i in range {
      if i > 0 { out.append(UInt8(ascii: ",")) }
      out.append(0x0A)
      out.append(0x20)
      out.append(0x20)
      writeJSON(at: i, indent: 1, frame: frame, keys: keys, to: &out)
    }
  }

  private func writeJSON(
    at i: Int, indent: Int, frame: JSONFrame, keys: FieldKeys, to out: inout [UInt8]
  ) {
    let r = Int(rows[i])
    let listing = listing
    out.append(UInt8(ascii: "{"))
    put(keys.datasetID, &out)
    JSONBytes.quoted(to: &out) { listing.appendID(r, to: &$0) }
    put(keys.name, &out)
    if listing.hasName(r) {
      JSONBytes.quoted(to: &out) { listing.appendName(r, to: &$0) }
    } else {
      put(Self.null, &out)
    }
    put(keys.status, &out)
    put(Self.statusJSON[Self.statusIndex[listing.statuses[r]]!], &out)
    put(keys.size, &out)
    if let n = listing.size(r) {
      JSONBytes.int(n, to: &out)
    } else {
      put(Self.null, &out)
    }
    if indent == 1 {
      put(nodeJSON[Int(nodeCell[i])], &out)
    } else {
      let attached = listing.attachedNode(r)
      Self.nodeFields(
        primary: listing.primary(r), host: listing.configuredNode(r)?.host, attached: attached,
        frame: frame, to: &out)
    }
    put(keys.path, &out)
    if listing.hasPath(r) {
      JSONBytes.quoted(to: &out) { listing.appendPath(r, to: &$0) }
    } else {
      put(Self.null, &out)
    }
    put(keys.deleted, &out)
    out.append(contentsOf: (listing.isDeleted(r) ? "true" : "false").utf8)
    put(keys.metadata, &out)
    if listing.hasOtherMetadata(r) {
      let metadata = listing.metadata(r)
      out.append(UInt8(ascii: "{"))
      for (n, k) in metadata.keys.sorted().enumerated() {
        JSONBytes.key(k, first: n == 0, indent: indent + 2, to: &out)
        JSONBytes.string(metadata[k]!, to: &out)
      }
      put(frame.metadataClose, &out)
    } else if listing.hasName(r) {
      // Only `name`: no dictionary.
      put(frame.metadataName, &out)
      JSONBytes.quoted(to: &out) { listing.appendName(r, to: &$0) }
      put(frame.metadataClose, &out)
    } else {
      out.append(contentsOf: "{}".utf8)
    }
    if let s = listing.actualSize(r) {
      put(keys.actualSize, &out)
      JSONBytes.int(s, to: &out)
    }
    newline(indent: indent, &out)
    out.append(UInt8(ascii: "}"))
  }

  /// Appends `bytes` through a borrowed buffer: no reference counted a row (two threads
  /// writing rows at once would share the count).
  @inline(__always) private func put(_ bytes: [UInt8], _ out: inout [UInt8]) {
    bytes.withUnsafeBufferPointer { out.append(contentsOf: $0) }
  }

  static let null: [UInt8] = Array("null".utf8)
  static let statusText: [DatasetStatus: [UInt8]] = Dictionary(
    uniqueKeysWithValues: DatasetStatus.allCases.map { ($0, Array($0.rawValue.utf8)) })
  /// A status's position in `DatasetStatus.allCases` (an `Int`: no reference counted).
  static let statusIndex: [DatasetStatus: Int] = Dictionary(
    uniqueKeysWithValues: DatasetStatus.allCases.enumerated().map { ($1, $0) })
  /// By `statusIndex`.
  static let statusJSON: [[UInt8]] = DatasetStatus.allCases.map { Array("\"\($0.rawValue)\"".utf8) }

  private func newline(indent: Int, _ out: inout [UInt8]) {
    out.append(0x0A)
    out.append(contentsOf: repeatElement(0x20, count: 2 * indent))
  }
}

/// `datasets` rows read straight from the merged listing's bytes: table cells, CSV fields and
/// JSON without a `Value`, or a `String` a cell, per row. Each must equal what the general path
/// gives from `DatasetView.value` through `Datasets.columns` and the formatter; the tests
/// compare the two row for row in every format.
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
  /// `Sizes.format` of each distinct size (it formats through Foundation; sizes repeat).
  let sizes: [Int: [UInt8]]
  /// The NODE cell of each listed row, by its number in `nodeCells`: a handful of nodes make a
  /// handful of distinct cells.
  let nodeCell: [Int32]
  let nodeCells: [(text: [UInt8], plain: Bool)]

  init(_ listing: DatasetListing, rows: [Int32], columns: [Column], long: Bool) {
    self.listing = listing
    self.rows = rows
    self.long = long
    fields = columns.map { c in
      switch c.key {
      case "dataset_id": return .id
      case "name": return .name
      case "size": return .size
      case "status": return .status
      case "primary": return .node
      case "path": return .path
      default: return .other(c.key)
      }
    }
    var sizes: [Int: [UInt8]] = [:]
    var cellNumber: [Int: Int32] = [:]
    var cells: [(text: [UInt8], plain: Bool)] = []
    var nodeCell: [Int32] = []
    nodeCell.reserveCapacity(rows.count)
    let attachedCount = listing.attachedNodeCount + 1
    for row in rows {
      let r = Int(row)
      if let n = listing.size(r), sizes[n] == nil { sizes[n] = Array(Sizes.format(n).utf8) }
      let key = (listing.primaryNumber(r) + 1) * attachedCount + listing.attachedNumber(r) + 1
      if let n = cellNumber[key] {
        nodeCell.append(n)
        continue
      }
      let attached = listing.attachedNode(r)
      let text = Datasets.nodeCell(
        primary: listing.primary(r), host: listing.configuredNode(r)?.host,
        attached: attached?.uuid, attachedHost: attached.flatMap { $0.host.isEmpty ? nil : $0.host },
        long: long)
      cellNumber[key] = Int32(cells.count)
      nodeCell.append(Int32(cells.count))
      cells.append((Array(text.utf8), Formatter.isPlainASCII(text)))
    }
    self.sizes = sizes
    self.nodeCell = nodeCell
    nodeCells = cells
  }

  var count: Int { rows.count }

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
      out.append(contentsOf: sizes[n]!)
      return true
    case .status: return append(listing.statuses[r].rawValue, to: &out)
    case .node:
      let cell = nodeCells[Int(nodeCell[i])]
      out.append(contentsOf: cell.text)
      return cell.plain
    case .path:
      guard listing.hasPath(r) else { return append("-", to: &out) }
      return listing.appendPath(r, to: &out)
    case .other(let key): return append(Formatter.cell(value(at: i)[key]), to: &out)
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
    case .size: return listing.size(r).map { append(String($0), to: &out) }
    case .status: return append(listing.statuses[r].rawValue, to: &out)
    case .node: return listing.primary(r).map { append($0, to: &out) }
    case .path: return listing.hasPath(r) ? listing.appendPath(r, to: &out) : nil
    case .other(let key):
      guard let f = value(at: i)[key], f != .null else { return nil }
      return append(Formatter.cell(f), to: &out)
    }
  }

  private func append(_ s: String, to out: inout [UInt8]) -> Bool {
    out.append(contentsOf: s.utf8)
    return Formatter.isPlainASCII(s)
  }

  /// The record of `DatasetView.value`, field for field, as pretty JSON.
  func writeJSON(at i: Int, indent: Int, to out: inout [UInt8]) {
    let r = Int(rows[i])
    let d = indent + 1
    out.append(UInt8(ascii: "{"))
    JSONBytes.key("dataset_id", first: true, indent: d, to: &out)
    JSONBytes.quoted(to: &out) { listing.appendID(r, to: &$0) }
    JSONBytes.key("name", first: false, indent: d, to: &out)
    if listing.hasName(r) {
      JSONBytes.quoted(to: &out) { listing.appendName(r, to: &$0) }
    } else {
      out.append(contentsOf: "null".utf8)
    }
    JSONBytes.key("status", first: false, indent: d, to: &out)
    JSONBytes.string(listing.statuses[r].rawValue, to: &out)
    JSONBytes.key("size", first: false, indent: d, to: &out)
    JSONBytes.int(listing.size(r), to: &out)
    let primary = listing.primary(r)
    JSONBytes.key("primary", first: false, indent: d, to: &out)
    JSONBytes.string(primary, to: &out)
    JSONBytes.key("node", first: false, indent: d, to: &out)
    JSONBytes.string(primary.map(ClusterView.shortID), to: &out)
    JSONBytes.key("host", first: false, indent: d, to: &out)
    JSONBytes.string(listing.configuredNode(r)?.host, to: &out)
    let attached = listing.attachedNode(r)
    JSONBytes.key("attached_node", first: false, indent: d, to: &out)
    JSONBytes.string(attached?.uuid, to: &out)
    JSONBytes.key("attached_host", first: false, indent: d, to: &out)
    JSONBytes.string(attached.flatMap { $0.host.isEmpty ? nil : $0.host }, to: &out)
    JSONBytes.key("path", first: false, indent: d, to: &out)
    if listing.hasPath(r) {
      JSONBytes.quoted(to: &out) { listing.appendPath(r, to: &$0) }
    } else {
      out.append(contentsOf: "null".utf8)
    }
    JSONBytes.key("deleted", first: false, indent: d, to: &out)
    out.append(contentsOf: (listing.isDeleted(r) ? "true" : "false").utf8)
    JSONBytes.key("metadata", first: false, indent: d, to: &out)
    if listing.hasOtherMetadata(r) {
      let metadata = listing.metadata(r)
      out.append(UInt8(ascii: "{"))
      for (n, k) in metadata.keys.sorted().enumerated() {
        JSONBytes.key(k, first: n == 0, indent: d + 1, to: &out)
        JSONBytes.string(metadata[k]!, to: &out)
      }
      newline(indent: d, &out)
      out.append(UInt8(ascii: "}"))
    } else if listing.hasName(r) {
      // Only `name`: no dictionary.
      out.append(UInt8(ascii: "{"))
      JSONBytes.key("name", first: true, indent: d + 1, to: &out)
      JSONBytes.quoted(to: &out) { listing.appendName(r, to: &$0) }
      newline(indent: d, &out)
      out.append(UInt8(ascii: "}"))
    } else {
      out.append(contentsOf: "{}".utf8)
    }
    if let s = listing.actualSize(r) {
      JSONBytes.key("actual_size", first: false, indent: d, to: &out)
      JSONBytes.int(s, to: &out)
    }
    newline(indent: indent, &out)
    out.append(UInt8(ascii: "}"))
  }

  private func newline(indent: Int, _ out: inout [UInt8]) {
    out.append(0x0A)
    out.append(contentsOf: repeatElement(0x20, count: 2 * indent))
  }
}

/// `datasets` rows read straight from the merged views: table cells, CSV fields and JSON
/// without a `Value` per row. Each must equal what the general path gives from
/// `DatasetView.value` through `Datasets.columns` and the formatter; the tests compare the two
/// row for row in every format.
struct DatasetRows: RowSource {
  enum Field {
    case id, name, size, status, node, path
    case other(String)
  }

  /// The cluster's views (shared, not copied) and the positions of the listed ones.
  let views: [DatasetView]
  let rows: [Int]
  let long: Bool
  let fields: [Field]
  /// `Sizes.format` of each distinct size (it formats through Foundation; sizes repeat).
  let sizes: [Int: String]

  init(_ views: [DatasetView], rows: [Int], columns: [Column], long: Bool) {
    self.views = views
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
    var sizes: [Int: String] = [:]
    for r in rows {
      if let n = views[r].configuration.maximumSize, sizes[n] == nil { sizes[n] = Sizes.format(n) }
    }
    self.sizes = sizes
  }

  var count: Int { rows.count }

  func value(at i: Int) -> Value { views[rows[i]].value }

  // Fields are read through `views[r]` (a borrow), never `let v = views[r]`: a copy of a view
  // retains a dozen references, and a profile of 100 000 rows spent more time in those
  // retains and releases than in writing the rows.

  func cell(at i: Int, column: Int) -> String {
    let r = rows[i]
    switch fields[column] {
    case .id:
      return long
        ? views[r].configuration.datasetID : ClusterView.shortID(views[r].configuration.datasetID)
    case .name: return views[r].configuration.name ?? "-"
    case .size: return views[r].configuration.maximumSize.map { sizes[$0]! } ?? "default"
    case .status: return views[r].status.rawValue
    case .node:
      return Datasets.nodeCell(
        primary: views[r].configuration.primary, host: views[r].node?.host,
        attached: views[r].attachedNode?.uuid, attachedHost: attachedHost(r), long: long)
    case .path: return views[r].state?.path ?? "-"
    case .other(let key): return Formatter.cell(views[r].value[key])
    }
  }

  func field(at i: Int, column: Int) -> String? {
    let r = rows[i]
    switch fields[column] {
    case .id: return views[r].configuration.datasetID
    case .name: return views[r].configuration.name
    case .size: return views[r].configuration.maximumSize.map { String($0) }
    case .status: return views[r].status.rawValue
    case .node: return views[r].configuration.primary
    case .path: return views[r].state?.path
    case .other(let key):
      guard let f = views[r].value[key], f != .null else { return nil }
      return Formatter.cell(f)
    }
  }

  /// The record of `DatasetView.value`, field for field, as pretty JSON.
  func writeJSON(at i: Int, indent: Int, to out: inout [UInt8]) {
    let r = rows[i]
    let d = indent + 1
    out.append(UInt8(ascii: "{"))
    JSONBytes.key("dataset_id", first: true, indent: d, to: &out)
    JSONBytes.string(views[r].configuration.datasetID, to: &out)
    JSONBytes.key("name", first: false, indent: d, to: &out)
    JSONBytes.string(views[r].configuration.name, to: &out)
    JSONBytes.key("status", first: false, indent: d, to: &out)
    JSONBytes.string(views[r].status.rawValue, to: &out)
    JSONBytes.key("size", first: false, indent: d, to: &out)
    JSONBytes.int(views[r].configuration.maximumSize, to: &out)
    JSONBytes.key("primary", first: false, indent: d, to: &out)
    JSONBytes.string(views[r].configuration.primary, to: &out)
    JSONBytes.key("node", first: false, indent: d, to: &out)
    JSONBytes.string(views[r].configuration.primary.map(ClusterView.shortID), to: &out)
    JSONBytes.key("host", first: false, indent: d, to: &out)
    JSONBytes.string(views[r].node?.host, to: &out)
    JSONBytes.key("attached_node", first: false, indent: d, to: &out)
    JSONBytes.string(views[r].attachedNode?.uuid, to: &out)
    JSONBytes.key("attached_host", first: false, indent: d, to: &out)
    JSONBytes.string(attachedHost(rows[i]), to: &out)
    JSONBytes.key("path", first: false, indent: d, to: &out)
    JSONBytes.string(views[r].state?.path, to: &out)
    JSONBytes.key("deleted", first: false, indent: d, to: &out)
    out.append(contentsOf: (views[r].configuration.deleted ? "true" : "false").utf8)
    JSONBytes.key("metadata", first: false, indent: d, to: &out)
    if views[r].configuration.metadata.isEmpty {
      out.append(contentsOf: "{}".utf8)
    } else if views[r].configuration.metadata.count == 1,
      let (k, value) = views[r].configuration.metadata.first
    {
      // One key (usually `name`): no sorted copy of the keys.
      out.append(UInt8(ascii: "{"))
      JSONBytes.key(k, first: true, indent: d + 1, to: &out)
      JSONBytes.string(value, to: &out)
      newline(indent: d, &out)
      out.append(UInt8(ascii: "}"))
    } else {
      out.append(UInt8(ascii: "{"))
      for (n, k) in views[r].configuration.metadata.keys.sorted().enumerated() {
        JSONBytes.key(k, first: n == 0, indent: d + 1, to: &out)
        JSONBytes.string(views[r].configuration.metadata[k]!, to: &out)
      }
      newline(indent: d, &out)
      out.append(UInt8(ascii: "}"))
    }
    if let s = views[r].state?.maximumSize {
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

  private func attachedHost(_ r: Int) -> String? {
    guard let host = views[r].attachedNode?.host, !host.isEmpty else { return nil }
    return host
  }
}

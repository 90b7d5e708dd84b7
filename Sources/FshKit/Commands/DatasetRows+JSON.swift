// A listing's rows as pretty JSON, exactly as `JSON.encode` writes `DatasetView.value`: from
// a row's record (`ListingEntry`) when its strings need no escaping, else field by field from
// the listing.

import FshClient
import FshModel
import FshRuntime

extension DatasetRows {
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
    listing.withBytes { c, s in
      let none = UnsafePointer<UInt8>(bitPattern: 1)!
      let bytes = (c.baseAddress ?? none, s.baseAddress ?? none)
      for i in range {
        if i > 0 { out.append(UInt8(ascii: ",")) }
        out.append(0x0A)
        out.append(0x20)
        out.append(0x20)
        if !writePlainJSON(at: i, bytes: bytes, frame: frame, keys: keys, to: &out) {
          writeJSON(at: i, indent: 1, frame: frame, keys: keys, to: &out)
        }
      }
    }
  }

  func writeJSON(
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
    put(Self.statusJSON[Self.statusIndex(listing.statuses[r])], &out)
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
  @inline(__always) func put(_ bytes: [UInt8], _ out: inout [UInt8]) {
    bytes.withUnsafeBufferPointer { out.append(contentsOf: $0) }
  }

  /// Row `i` at depth 1 as `writeJSON(at:…)` writes it, from its record; false (nothing
  /// written) for a row that is not plain or has a string to escape.
  func writePlainJSON(
    at i: Int, bytes: Bytes, frame: JSONFrame, keys: FieldKeys, to out: inout [UInt8]
  ) -> Bool {
    let p = listing.entries[Int(rows[i])]
    guard p.has(ListingEntry.plain) else { return false }
    let id = bytes.0 + Int(p.id.start)
    let name = bytes.0 + Int(p.name.start)
    let path = bytes.1 + Int(p.path.start)
    guard !holds(id, Int(p.id.count), 0x22, 0x5C),
      p.name.isNone || !holds(name, Int(p.name.count), 0x22, 0x5C),
      p.path.isNone || !holds(path, Int(p.path.count), 0x22, 0x5C)
    else { return false }
    func quoted(_ from: UnsafePointer<UInt8>, _ count: Int32, _ out: inout [UInt8]) {
      out.append(0x22)
      out.append(contentsOf: UnsafeBufferPointer(start: from, count: Int(count)))
      out.append(0x22)
    }
    out.append(UInt8(ascii: "{"))
    put(keys.datasetID, &out)
    quoted(id, p.id.count, &out)
    put(keys.name, &out)
    if p.name.isNone { put(Self.null, &out) } else { quoted(name, p.name.count, &out) }
    put(keys.status, &out)
    put(Self.statusJSON[Self.statusIndex(p.status)], &out)
    put(keys.size, &out)
    if p.size != Int.min { JSONBytes.int(p.size, to: &out) } else { put(Self.null, &out) }
    put(nodeJSON[Int(nodeCell[i])], &out)
    put(keys.path, &out)
    if p.path.isNone { put(Self.null, &out) } else { quoted(path, p.path.count, &out) }
    put(keys.deleted, &out)
    put(p.has(ListingEntry.deleted) ? Self.true : Self.false, &out)
    put(keys.metadata, &out)
    if p.has(ListingEntry.otherMetadata) {
      let metadata = listing.metadata(Int(rows[i]))
      out.append(UInt8(ascii: "{"))
      for (n, k) in metadata.keys.sorted().enumerated() {
        JSONBytes.key(k, first: n == 0, indent: 3, to: &out)
        JSONBytes.string(metadata[k]!, to: &out)
      }
      put(frame.metadataClose, &out)
    } else if !p.name.isNone {
      put(frame.metadataName, &out)
      quoted(name, p.name.count, &out)
      put(frame.metadataClose, &out)
    } else {
      out.append(UInt8(ascii: "{"))
      out.append(UInt8(ascii: "}"))
    }
    if p.actualSize != Int.min {
      put(keys.actualSize, &out)
      JSONBytes.int(p.actualSize, to: &out)
    }
    out.append(0x0A)
    out.append(0x20)
    out.append(0x20)
    out.append(UInt8(ascii: "}"))
    return true
  }

  static let `true`: [UInt8] = Array("true".utf8)
  static let `false`: [UInt8] = Array("false".utf8)

  private func newline(indent: Int, _ out: inout [UInt8]) {
    out.append(0x0A)
    out.append(contentsOf: repeatElement(0x20, count: 2 * indent))
  }
}

// A listing's rows as pretty JSON, exactly as `JSON.encode` writes `DatasetView.value`: from
// a row's record (`ListingEntry`) when its strings need no escaping, else field by field from
// the listing.

import FshClient
import FshJSON
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
    var i = range.lowerBound
    while i < range.upperBound {
      let next = writePlainJSON(i..<range.upperBound, to: &out)
      if next > i {
        i = next
        continue
      }
      if i > 0 { out.append(UInt8(ascii: ",")) }
      out.append(0x0A)
      out.append(0x20)
      out.append(0x20)
      writeJSON(at: i, indent: 1, frame: frame, keys: keys, to: &out)
      i += 1
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
    quotedOrNull(listing.hasName(r), &out) { listing.appendName(r, to: &$0) }
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
    quotedOrNull(listing.hasPath(r), &out) { listing.appendPath(r, to: &$0) }
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

  /// A string `append` writes, quoted, when there is one (`has`); else `null`.
  private func quotedOrNull(
    _ has: Bool, _ out: inout [UInt8], _ append: (inout [UInt8]) -> Bool
  ) {
    if has { JSONBytes.quoted(to: &out, append) } else { put(Self.null, &out) }
  }

  /// Appends `bytes` through a borrowed buffer: no reference counted a row (two threads
  /// writing rows at once would share the count).
  @inline(__always) func put(_ bytes: [UInt8], _ out: inout [UInt8]) {
    bytes.withUnsafeBufferPointer { out.append(contentsOf: $0) }
  }

  /// The fields `writePlainJSON` writes, in order: their key lines are shared cells.
  static let jsonKeys: [DatasetField] = [
    .datasetID, .name, .status, .size, .path, .deleted, .metadata, .actualSize,
  ]

  /// Rows from `range.lowerBound` on as `writeJSON(rows:)` writes them, each from its record,
  /// until one that is not plain, needs escaping or has metadata other than its name; the
  /// first row not written.
  func writePlainJSON(_ range: Range<Int>, to out: inout [UInt8]) -> Int {
    let numbers = numbers
    // A row's room: numbers and punctuation (under 1 KiB), an id, a name (twice) and a path of
    // up to 1 KiB each, metadata of up to 2 KiB (written at most 2.4 times as long: `"":""`
    // becomes a line of 14 bytes), and the longest shared cell (a node's fields hold its host
    // name, whatever its length) for each of the fewer than 24 a row uses.
    let most = 1024 + 4 * 1024 + 3 * 2048 + 24 * shared.longest
    return withLines(range, most: most, to: &out) { i, p, bytes, shared, line in
      let id = bytes.0 + Int(p.id.start)
      let name = bytes.0 + Int(p.name.start)
      let path = bytes.1 + Int(p.path.start)
      var pairs: [(key: Range<Int>, value: Range<Int>)] = []
      if p.has(ListingEntry.otherMetadata) {
        guard p.metadata.count <= 2048,
          let found = ListingEntry.plainMetadataPairs(
            UnsafeBufferPointer(
              start: bytes.0 + Int(p.metadata.start), count: Int(p.metadata.count)))
        else { return nil }
        pairs = found
      }
      // (A negative size, which only the general reader gives, is written as it writes it.)
      guard p.size >= 0, p.actualSize >= 0, p.id.count <= 1024,
        p.name.count <= 1024,
        p.path.count <= 1024,
        p.has(ListingEntry.bare)
          || (!holds(id, Int(p.id.count), 0x22, 0x5C)
            && (p.name.isNone || !holds(name, Int(p.name.count), 0x22, 0x5C))
            && (p.path.isNone || !holds(path, Int(p.path.count), 0x22, 0x5C)))
      else { return nil }
      var at = 0
      func put(_ n: Int32) {
        let c = shared.cells[Int(n)]
        copyBytes(line + at, shared.bytes + Int(c.start), Int(c.count))
        at += Int(c.count)
      }
      func quoted(_ from: UnsafePointer<UInt8>, _ count: Int32) {
        line[at] = 0x22
        copyBytes(line + at + 1, from, Int(count))
        at += Int(count) + 2
        line[at - 1] = 0x22
      }
      func int(_ v: Int) { at += JSONBytes.digits(v, at: line + at) }
      if i > 0 {
        line[0] = UInt8(ascii: ",")
        at = 1
      }
      put(numbers.open)
      put(numbers.keys)
      quoted(id, p.id.count)
      put(numbers.keys + 1)
      if p.name.isNone { put(numbers.null) } else { quoted(name, p.name.count) }
      put(numbers.keys + 2)
      put(numbers.statusJSON + Int32(Self.statusIndex(p.status)))
      put(numbers.keys + 3)
      if p.has(ListingEntry.hasSize) { int(p.size) } else { put(numbers.null) }
      put(numbers.nodeJSON + nodeCell[i])
      put(numbers.keys + 4)
      if p.path.isNone { put(numbers.null) } else { quoted(path, p.path.count) }
      put(numbers.keys + 5)
      put(p.has(ListingEntry.deleted) ? numbers.true : numbers.false)
      put(numbers.keys + 6)
      if !pairs.isEmpty {
        // As `JSONBytes.key` writes each at depth 3, in the keys' order.
        let m = bytes.0 + Int(p.metadata.start)
        line[at] = UInt8(ascii: "{")
        at += 1
        for (k, pair) in pairs.enumerated() {
          if k > 0 {
            line[at] = UInt8(ascii: ",")
            at += 1
          }
          line[at] = 0x0A
          (line + at + 1).initialize(repeating: 0x20, count: 6)
          at += 7
          quoted(m + pair.key.lowerBound, Int32(pair.key.count))
          line[at] = UInt8(ascii: ":")
          line[at + 1] = 0x20
          at += 2
          quoted(m + pair.value.lowerBound, Int32(pair.value.count))
        }
        put(numbers.metadataClose)
      } else if p.name.isNone {
        put(numbers.empty)
      } else {
        put(numbers.metadataName)
        quoted(name, p.name.count)
        put(numbers.metadataClose)
      }
      if p.has(ListingEntry.hasActualSize) {
        put(numbers.keys + 7)
        int(p.actualSize)
      }
      put(numbers.close)
      return at
    }
  }

  static let `true`: [UInt8] = Array("true".utf8)
  static let `false`: [UInt8] = Array("false".utf8)

  private func newline(indent: Int, _ out: inout [UInt8]) {
    out.append(0x0A)
    out.append(contentsOf: repeatElement(0x20, count: 2 * indent))
  }
}

// The two dataset lists as columns, read while they arrive: every id, name, path and raw
// metadata in one byte buffer, a few numbers a dataset. Over 100 000 datasets the models
// (`DatasetConfiguration`, `DatasetState`) made five heap objects a dataset; these make none.
// The values are exactly the models' (see `DatasetListing.view(_:)`; tests compare the two).
import Foundation
import FshJSON
import FshModel

/// Per-dataset bits of a column table.
struct ListingFlags: OptionSet, Sendable {
  let rawValue: UInt8
  static let idASCII = ListingFlags(rawValue: 1)
  static let idPlain = ListingFlags(rawValue: 2)
  /// The name, or the path for a state entry.
  static let textASCII = ListingFlags(rawValue: 4)
  static let textPlain = ListingFlags(rawValue: 8)
  static let deleted = ListingFlags(rawValue: 16)
  static let hasSize = ListingFlags(rawValue: 32)
  /// No `"` and no `\` in the id, in the name or path (`SpanText.bare`).
  static let idBare = ListingFlags(rawValue: 64)
  static let textBare = ListingFlags(rawValue: 128)

  static func id(_ t: SpanText) -> ListingFlags {
    ListingFlags(
      rawValue: (t.contains(.ascii) ? 1 : 0) | (t.contains(.plain) ? 2 : 0)
        | (t.contains(.bare) ? 64 : 0))
  }
  static func text(_ t: SpanText) -> ListingFlags {
    ListingFlags(
      rawValue: (t.contains(.ascii) ? 4 : 0) | (t.contains(.plain) ? 8 : 0)
        | (t.contains(.bare) ? 128 : 0))
  }
}

/// Node ids as they repeat on every dataset: each distinct one numbered once.
struct NodeIDTable: Sendable {
  private(set) var ids: [[UInt8]] = []
  /// Each id's first eight bytes (zero-padded), compared before the rest.
  private var prefixes: [UInt64] = []
  private var byBytes: [[UInt8]: Int32] = [:]
  /// The last number given for an id, by its first eight bytes (hashed into 64 places; -1 for
  /// none): upstream lists by node, the sandbox's state in creation order (the node changes
  /// from one entry to the next), and either way one compare finds most ids.
  private var recent = [Int32](repeating: -1, count: 64)

  /// The number of the id in `bytes[span]`, added if new.
  mutating func number(_ bytes: [UInt8], _ span: ByteSpan) -> Int32 {
    bytes.withUnsafeBufferPointer { number(UnsafeBufferPointer(rebasing: $0[span.range])) }
  }

  /// The number of the id `key`, added if new.
  mutating func number(_ key: UnsafeBufferPointer<UInt8>) -> Int32 {
    let place = Int(truncatingIfNeeded: (Self.prefix(key) &* 0x9E37_79B9_7F4A_7C15) >> 58)
    let seen = recent[place]
    if seen >= 0, ids[Int(seen)].withUnsafeBufferPointer({ IDTable.same($0, key) }) {
      return seen
    }
    let n = find(key)
    recent[place] = n
    return n
  }

  private mutating func find(_ key: UnsafeBufferPointer<UInt8>) -> Int32 {
    // A handful of nodes: compared in turn (hashing costs more); past 16, hashed.
    if ids.count <= 16 {
      let prefix = Self.prefix(key)
      for n in prefixes.indices where prefixes[n] == prefix && ids[n].count == key.count {
        if key.count <= 8 || ids[n].withUnsafeBufferPointer({ IDTable.same($0, key) }) {
          return Int32(n)
        }
      }
    }
    let id = Array(key)
    if ids.count > 16, let n = byBytes[id] { return n }
    ids.append(id)
    prefixes.append(id.withUnsafeBufferPointer { Self.prefix($0) })
    if ids.count > 16 {
      if byBytes.isEmpty { for (n, e) in ids.enumerated() { byBytes[e] = Int32(n) } }
      byBytes[id] = Int32(ids.count - 1)
    }
    return Int32(ids.count - 1)
  }

  static func prefix(_ p: UnsafeBufferPointer<UInt8>) -> UInt64 {
    var v: UInt64 = 0
    for k in 0..<min(8, p.count) { v |= UInt64(p[k]) << (8 * UInt64(k)) }
    return v
  }

  var strings: [String] { ids.map { String(decoding: $0, as: UTF8.self) } }
}

/// Fields shared by the two tables: the bytes, ids, node ids, sizes and flags.
protocol ListingColumns: ListElementSink {
  var bytes: [UInt8] { get set }
  var nodeIDs: NodeIDTable { get set }
  /// The layout of the last plain entry (see `EntryShape`).
  var shape: EntryShape { get set }
  var ids: [ByteSpan] { get }
  var flags: [ListingFlags] { get }
  /// NFC forms of the ids that are not ASCII (what `String` compares and hashes).
  var idKeys: [Int32: ByteSpan] { get }
}

extension ListingColumns {
  var count: Int { ids.count }
  /// The bytes `String ==` and `<` compare the id `n` by.
  func idKey(_ n: Int) -> ByteSpan { flags[n].contains(.idASCII) ? ids[n] : idKeys[Int32(n)]! }
  func string(_ span: ByteSpan) -> String? {
    span.isNone ? nil : String(decoding: bytes[span.range], as: UTF8.self)
  }
}

/// Appends the NFC form of `bytes[span]` and returns where it is.
func appendNFC(_ span: ByteSpan, in bytes: inout [UInt8]) -> ByteSpan {
  let s = String(decoding: bytes[span.range], as: UTF8.self).precomposedStringWithCanonicalMapping
  let from = bytes.count
  bytes.append(contentsOf: s.utf8)
  return ByteSpan(start: UInt32(from), count: Int32(bytes.count - from))
}

/// What entries of both lists have, read the same way: the id, a node id, a size, and flags.
struct EntryFields {
  var id = ByteSpan.none
  var flag: ListingFlags = []
  var node = ByteSpan.none
  var size = 0

  mutating func readID(_ r: inout JSONParser, _ key: String, into bytes: inout [UInt8]) throws {
    let (span, text) = try r.appendString(key, to: &bytes)
    id = span
    flag.subtract([.idASCII, .idPlain, .idBare])
    flag.formUnion(.id(text))
  }

  /// A node id (or null) into `scratch`: it is numbered, not kept with the entry.
  mutating func readNode(_ r: inout JSONParser, _ key: String, into scratch: inout [UInt8])
    throws
  {
    scratch.removeAll(keepingCapacity: true)
    node = r.isNull() ? .none : try r.appendString(key, to: &scratch).0
  }

  mutating func readSize(_ r: inout JSONParser, _ key: String) throws {
    if let n = try r.quickSize(key) {
      size = n
      flag.insert(.hasSize)
    } else {
      flag.remove(.hasSize)
    }
  }

  /// The flags of the entry's text (name or path); nil for none.
  mutating func setText(_ text: SpanText?) {
    flag.subtract([.textASCII, .textPlain, .textBare])
    if let text { flag.formUnion(.text(text)) }
  }
}

/// `GET /v1/configuration/datasets` as columns.
struct ConfigurationColumns: ListingColumns {
  static let keys = DatasetConfiguration.keys
  static let metadataKeys = JSONKeys(["name"])

  var bytes: [UInt8] = []
  var ids: [ByteSpan] = []
  var idKeys: [Int32: ByteSpan] = [:]
  /// `metadata["name"]`; `.none` when there is none.
  var names: [ByteSpan] = []
  var nameKeys: [Int32: ByteSpan] = [:]
  /// The metadata object's own bytes, when it has keys other than `name` (read again on
  /// demand); `.none` otherwise.
  var metadata: [ByteSpan] = []
  /// The configured primary's number in `nodeIDs`, -1 for none.
  var primaries: [Int32] = []
  var sizes: [Int] = []
  var flags: [ListingFlags] = []
  var nodeIDs = NodeIDTable()
  /// Where a node id is read before it is numbered (its bytes are kept once, in `nodeIDs`).
  private var scratch: [UInt8] = []
  /// The layout of the last plain entry (see `EntryShape`).
  var shape = EntryShape()

  init() {}

  mutating func reserve(scale: Double, bodyLength: Int) {
    // The columns (half the body's size) and what the listing makes on this thread from them
    // (the sort, the records, the rows): about one and a half times the body.
    HugeHeap.prepare(bytes: bodyLength * 3 / 2)
    FshClient.reserve(&bytes, scale: scale)
    FshClient.reserve(&ids, scale: scale)
    FshClient.reserve(&names, scale: scale)
    FshClient.reserve(&metadata, scale: scale)
    FshClient.reserve(&primaries, scale: scale)
    FshClient.reserve(&sizes, scale: scale)
    FshClient.reserve(&flags, scale: scale)
  }

  mutating func read(_ r: inout JSONParser) throws {
    if scan(&r) { return }
    let at = r.i
    let mark = bytes.count
    var e = EntryFields()
    var name = ByteSpan.none
    var extra = ByteSpan.none
    let keys = Self.keys
    do {
      try r.object(keys: keys) { r, k in
        switch k {
        case 0: try e.readID(&r, keys.names[0], into: &bytes)
        case 1: try e.readNode(&r, keys.names[1], into: &scratch)
        case 2:
          if try r.bool(keys.names[2]) { e.flag.insert(.deleted) } else { e.flag.remove(.deleted) }
        case 3:
          name = .none
          extra = .none
          e.setText(nil)
          if r.isNull() { break }
          let start = r.i
          var others = false
          // As `stringMap`: every value a string; the last `name` wins.
          try r.object(keys: Self.metadataKeys) { r, key in
            if key == 0 {
              let (span, text) = try r.appendString("\(keys.names[3]).name", to: &bytes)
              name = span
              e.setText(text)
            } else {
              others = true
              r.skipSpace()
              guard r.i < r.bytes.count, r.bytes[r.i] == UInt8(ascii: "\"") else {
                let key = r.lastKey()
                throw JSONParser.Failure(
                  message: "'\(keys.names[3]).\(key)' is not a string", offset: r.i)
              }
              _ = try r.parseString()
            }
          }
          if others {
            let from = bytes.count
            bytes.append(contentsOf: r.bytes[start..<r.i])
            extra = ByteSpan(start: UInt32(from), count: Int32(r.i - start))
          }
        case 4: try e.readSize(&r, keys.names[4])
        default: try r.skipValue()
        }
      }
      guard !e.id.isNone else { throw JSONParser.missing("dataset_id", at) }
    } catch {
      bytes.removeSubrange(mark...)
      throw error
    }
    let n = Int32(ids.count)
    if !e.flag.contains(.idASCII) { idKeys[n] = appendNFC(e.id, in: &bytes) }
    if !name.isNone && !e.flag.contains(.textASCII) { nameKeys[n] = appendNFC(name, in: &bytes) }
    ids.append(e.id)
    names.append(name)
    metadata.append(extra)
    primaries.append(e.node.isNone ? -1 : nodeIDs.number(scratch, e.node))
    sizes.append(e.size)
    flags.append(e.flag)
  }

  /// `metadata["name"]`'s sort key (NFC bytes), nil for none.
  func nameKey(_ n: Int) -> ByteSpan? {
    if names[n].isNone { return nil }
    return flags[n].contains(.textASCII) ? names[n] : nameKeys[Int32(n)]!
  }

  /// The metadata as `DatasetConfiguration.metadata` holds it.
  func metadataMap(_ n: Int) -> [String: String] {
    if !metadata[n].isNone {
      var r = JSONParser(bytes: Array(bytes[metadata[n].range]))
      return (try? r.stringMap("metadata")) ?? [:]
    }
    guard let name = string(names[n]) else { return [:] }
    return ["name": name]
  }
}

/// `GET /v1/state/datasets` as columns.
struct StateColumns: ListingColumns {
  static let keys = DatasetState.keys

  var bytes: [UInt8] = []
  var ids: [ByteSpan] = []
  var idKeys: [Int32: ByteSpan] = [:]
  /// The node it is attached to (its number in `nodeIDs`), -1 for none.
  var primaries: [Int32] = []
  var paths: [ByteSpan] = []
  var sizes: [Int] = []
  var flags: [ListingFlags] = []
  var nodeIDs = NodeIDTable()
  /// Where a node id is read before it is numbered (its bytes are kept once, in `nodeIDs`).
  private var scratch: [UInt8] = []
  /// The layout of the last plain entry (see `EntryShape`).
  var shape = EntryShape()

  init() {}

  mutating func reserve(scale: Double, bodyLength: Int) {
    // The columns (a third of the body's size) and the table by id made from them on this
    // thread: about three quarters of the body.
    HugeHeap.prepare(bytes: bodyLength * 3 / 4)
    FshClient.reserve(&bytes, scale: scale)
    FshClient.reserve(&ids, scale: scale)
    FshClient.reserve(&primaries, scale: scale)
    FshClient.reserve(&paths, scale: scale)
    FshClient.reserve(&sizes, scale: scale)
    FshClient.reserve(&flags, scale: scale)
  }

  mutating func read(_ r: inout JSONParser) throws {
    if scan(&r) { return }
    let at = r.i
    let mark = bytes.count
    var e = EntryFields()
    var path = ByteSpan.none
    let keys = Self.keys
    do {
      try r.object(keys: keys) { r, k in
        switch k {
        case 0: try e.readID(&r, keys.names[0], into: &bytes)
        case 1: try e.readNode(&r, keys.names[1], into: &scratch)
        case 2:
          if r.isNull() {
            path = .none
            e.setText(nil)
          } else {
            let (span, text) = try r.appendString(keys.names[2], to: &bytes)
            path = span
            e.setText(text)
          }
        case 3: try e.readSize(&r, keys.names[3])
        default: try r.skipValue()
        }
      }
      guard !e.id.isNone else { throw JSONParser.missing("dataset_id", at) }
    } catch {
      bytes.removeSubrange(mark...)
      throw error
    }
    let n = Int32(ids.count)
    if !e.flag.contains(.idASCII) { idKeys[n] = appendNFC(e.id, in: &bytes) }
    ids.append(e.id)
    primaries.append(e.node.isNone ? -1 : nodeIDs.number(scratch, e.node))
    paths.append(path)
    sizes.append(e.size)
    flags.append(e.flag)
  }
}

// The common dataset entry read in one pass over raw bytes. Over 100 000 datasets the lists
// are 38 MB, and reading them is most of a listing's time: the general reader
// (`JSONParser.object(keys:)`) dispatches each key through a closure, checks each byte's index
// and copies each string through a `String` when it has to. Almost every entry a control
// service sends is plain: known keys, each once, strings of printable ASCII with no escape,
// sizes of plain digits, metadata holding only a name. Those are read here; anything else
// (an escape, a byte outside printable ASCII, another key, a key twice, a number with a sign,
// a fraction or an exponent, an entry cut by the end of the bytes received so far) makes
// `scan` give up with nothing kept, and the general reader reads the entry from its start,
// with its exact values and errors. The tests compare the two paths' listings.
import FshJSON

/// A cursor over an entry's bytes; every read checks the end and gives nil past it.
struct ElementScan {
  let p: UnsafeBufferPointer<UInt8>
  var i: Int

  @inline(__always) mutating func space() {
    while i < p.count {
      switch p[i] {
      case 0x20, 0x0A, 0x0D, 0x09: i += 1
      default: return
      }
    }
  }

  @inline(__always) mutating func byte(_ b: UInt8) -> Bool {
    space()
    guard i < p.count, p[i] == b else { return false }
    i += 1
    return true
  }

  /// A string of printable ASCII with no escape: its bytes' range (after the quote is read).
  mutating func plainString() -> Range<Int>? {
    space()
    guard i < p.count, p[i] == UInt8(ascii: "\"") else { return nil }
    let start = i + 1
    let j = JSONParser.plainRun(p, from: start)
    guard j < p.count, p[j] == UInt8(ascii: "\"") else { return nil }
    i = j + 1
    return start..<j
  }

  /// `null`: true when read.
  mutating func null() -> Bool {
    space()
    guard i + 4 <= p.count, p[i] == UInt8(ascii: "n"), p[i + 1] == UInt8(ascii: "u"),
      p[i + 2] == UInt8(ascii: "l"), p[i + 3] == UInt8(ascii: "l")
    else { return false }
    i += 4
    return true
  }

  /// `true` or `false`.
  mutating func bool() -> Bool? {
    space()
    if i + 4 <= p.count, p[i] == UInt8(ascii: "t"), p[i + 1] == UInt8(ascii: "r"),
      p[i + 2] == UInt8(ascii: "u"), p[i + 3] == UInt8(ascii: "e")
    {
      i += 4
      return true
    }
    if i + 5 <= p.count, p[i] == UInt8(ascii: "f"), p[i + 1] == UInt8(ascii: "a"),
      p[i + 2] == UInt8(ascii: "l"), p[i + 3] == UInt8(ascii: "s"), p[i + 4] == UInt8(ascii: "e")
    {
      i += 5
      return false
    }
    return nil
  }

  /// A size: `null` (-1) or up to 18 digits with no leading zero, followed by a byte that ends
  /// a number.
  mutating func size() -> Int? {
    if null() { return -1 }
    guard let (v, end) = JSONParser.plainInteger(p, at: i),
      !(p[i] == UInt8(ascii: "0") && end - i > 1)
    else { return nil }
    i = end
    return v
  }

  /// The next key of an object, as one of `ElementKey`; nil for any other.
  mutating func key() -> ElementKey? {
    guard let r = plainString(), byte(UInt8(ascii: ":")) else { return nil }
    return ElementKey(UnsafeBufferPointer(rebasing: p[r]))
  }

  /// After a value: true for `,`, false for `}`, nil for anything else.
  mutating func more() -> Bool? {
    space()
    guard i < p.count else { return nil }
    let c = p[i]
    i += 1
    if c == UInt8(ascii: ",") { return true }
    if c == UInt8(ascii: "}") { return false }
    return nil
  }
}

/// The keys the two lists' entries have.
enum ElementKey: UInt8 {
  case datasetID = 1
  case primary = 2
  case deleted = 4
  case metadata = 8
  case maximumSize = 16
  case path = 32
  case name = 64

  /// The keys' bits.
  static func mask(_ keys: [ElementKey]) -> UInt8 { keys.reduce(0) { $0 | $1.rawValue } }

  init?(_ k: UnsafeBufferPointer<UInt8>) {
    func equals(_ s: StaticString) -> Bool {
      s.utf8CodeUnitCount == k.count
        && s.withUTF8Buffer { IDTable.same($0, k) }
    }
    switch k.count {
    case 10 where equals("dataset_id"): self = .datasetID
    case 7 where equals("primary"): self = .primary
    case 7 where equals("deleted"): self = .deleted
    case 8 where equals("metadata"): self = .metadata
    case 12 where equals("maximum_size"): self = .maximumSize
    case 4 where equals("path"): self = .path
    case 4 where equals("name"): self = .name
    default: return nil
    }
  }
}

/// A plain entry's fields, as ranges of the bytes it was read from.
struct PlainEntry {
  var id: Range<Int>?
  var primary: Range<Int>?
  var deleted = false
  var name: Range<Int>?
  var path: Range<Int>?
  /// -1 for none.
  var size = -1
  /// Where the entry ends (after its `}`).
  var end = 0

  /// Reads the entry at `r.i` with only the keys of `allowed` (their raw values' bits), each
  /// once; nil when it is not plain (see the top of the file) or has no id (the general reader
  /// says why).
  /// With `shape`: an entry laid out as the last one is read by comparing the bytes between
  /// its values (`EntryShape`); any other is read key by key, and its layout kept in `shape`.
  static func read(_ r: JSONParser, allowed: UInt8, shape: inout EntryShape) -> PlainEntry? {
    r.bytes.withUnsafeBufferPointer { p in
      if let e = shape.read(p, at: r.i) { return e }
      var values = EntryShape.Values()
      let e = read(p, at: r.i, allowed: allowed, values: &values)
      if let e { shape.learn(p, from: r.i, to: e.end, values) }
      return e
    }
  }

  @inline(__always)
  private static func read(
    _ p: UnsafeBufferPointer<UInt8>, at i: Int, allowed: UInt8, values: inout EntryShape.Values
  ) -> PlainEntry? {
    var e = PlainEntry()
    var s = ElementScan(p: p, i: i)
    var seen: UInt8 = 0
    guard s.byte(UInt8(ascii: "{")), !s.byte(UInt8(ascii: "}")) else { return nil }
    while true {
      guard let key = s.key(), allowed & key.rawValue != 0, seen & key.rawValue == 0 else {
        return nil
      }
      seen |= key.rawValue
      // Where the value starts, for the layout (`EntryShape`): a value that is `null`, or an
      // object (metadata, whose name is a value of its own), is part of the bytes around.
      s.space()
      let start = s.i
      var valued = true
      switch key {
      case .datasetID:
        guard let v = s.plainString() else { return nil }
        e.id = v
      case .primary, .path:
        if s.null() {
          valued = false
          break
        }
        guard let v = s.plainString() else { return nil }
        if key == .primary { e.primary = v } else { e.path = v }
      case .deleted:
        guard let v = s.bool() else { return nil }
        e.deleted = v
      case .metadata:
        valued = false
        if s.null() { break }
        guard s.byte(UInt8(ascii: "{")) else { return nil }
        if s.byte(UInt8(ascii: "}")) { break }
        guard s.key() == .name else { return nil }
        s.space()
        let from = s.i
        guard let v = s.plainString() else { return nil }
        e.name = v
        values.add(.name, from, s.i)
        guard s.byte(UInt8(ascii: "}")) else { return nil }
      case .maximumSize:
        guard let v = s.size() else { return nil }
        e.size = v
        valued = v >= 0
      case .name: return nil
      }
      if valued { values.add(key, start, s.i) }
      guard let next = s.more() else { return nil }
      if !next {
        e.end = s.i
        return e.id == nil ? nil : e
      }
    }
  }
}

extension ListingColumns {
  /// Reads a plain entry (see the top of the file) with only the keys of `allowed`, and keeps
  /// its id and `text` (the name or the path) in `bytes`: their spans, the flags, its node's
  /// number in `nodeIDs` (-1 for none) and its size (0 for none). Nil, with nothing read, for
  /// any other entry, or when `bytes` cannot take the entry's strings (spans count in 32 bits).
  mutating func scanPlain(
    _ r: inout JSONParser, allowed: UInt8, text: (PlainEntry) -> Range<Int>?
  ) -> (id: ByteSpan, text: ByteSpan, flag: ListingFlags, node: Int32, size: Int)? {
    guard let e = PlainEntry.read(r, allowed: allowed, shape: &shape),
      bytes.count < Int(Int32.max) - 2 * (e.end - r.i)
    else { return nil }
    let kept = r.bytes.withUnsafeBufferPointer { p in
      let id = e.id!
      // (A plain string holds no `"` and no `\`: bare too.)
      var flag: ListingFlags = [.idASCII, .idPlain, .idBare]
      if e.deleted { flag.insert(.deleted) }
      var idSpan = ByteSpan.none
      var textSpan = ByteSpan.none
      if let text = text(e) {
        textSpan = appendSpan(p[text], to: &bytes)
        flag.formUnion([.textASCII, .textPlain, .textBare])
        // A text that ends with the id (a state's path is `/flocker/` and the id): the id is
        // the end of the text's bytes, not a copy (a tenth of a listing's memory).
        if text.count >= id.count, let base = p.baseAddress,
          IDTable.same(
            UnsafeBufferPointer(start: base + text.upperBound - id.count, count: id.count),
            UnsafeBufferPointer(rebasing: p[id]))
        {
          idSpan = ByteSpan(
            start: textSpan.start + UInt32(text.count - id.count), count: Int32(id.count))
        }
      }
      if idSpan.isNone { idSpan = appendSpan(p[id], to: &bytes) }
      if e.size >= 0 { flag.insert(.hasSize) }
      let node = e.primary.map { nodeIDs.number(UnsafeBufferPointer(rebasing: p[$0])) } ?? -1
      return (idSpan, textSpan, flag, node, max(e.size, 0))
    }
    r.i = e.end
    return kept
  }
}

extension ConfigurationColumns {
  static let plainKeys = ElementKey.mask([.datasetID, .primary, .deleted, .metadata, .maximumSize])

  /// Reads a plain entry (see the top of the file); false, with nothing read, otherwise.
  mutating func scan(_ r: inout JSONParser) -> Bool {
    guard let k = scanPlain(&r, allowed: Self.plainKeys, text: { $0.name }) else { return false }
    ids.append(k.id)
    names.append(k.text)
    metadata.append(.none)
    primaries.append(k.node)
    sizes.append(k.size)
    flags.append(k.flag)
    return true
  }
}

extension StateColumns {
  static let plainKeys = ElementKey.mask([.datasetID, .primary, .path, .maximumSize])

  /// Reads a plain entry (see the top of the file); false, with nothing read, otherwise.
  mutating func scan(_ r: inout JSONParser) -> Bool {
    guard let k = scanPlain(&r, allowed: Self.plainKeys, text: { $0.path }) else { return false }
    ids.append(k.id)
    primaries.append(k.node)
    paths.append(k.text)
    sizes.append(k.size)
    flags.append(k.flag)
    return true
  }
}

/// Appends `s` to `bytes` and says where it is.
private func appendSpan(_ s: Slice<UnsafeBufferPointer<UInt8>>, to bytes: inout [UInt8]) -> ByteSpan
{
  let from = bytes.count
  bytes.append(contentsOf: UnsafeBufferPointer(rebasing: s))
  return ByteSpan(start: UInt32(from), count: Int32(s.count))
}

import Foundation

// Decoding the API's answers straight from bytes into models: on Linux, JSONDecoder spends
// about 5 µs per dataset, which is half a second for a 100 000-dataset cluster; this reader
// does the same work several times faster and fails with the byte offset.

/// A model that reads itself from a JSON pull parser.
protocol JSONPullDecodable {
  init(json r: inout JSONParser) throws
}

extension JSONParser {
  /// Decodes a whole document as `T`.
  static func decode<T: JSONPullDecodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
    var r = JSONParser(bytes: bytes)
    r.skipSpace()
    let v = try T(json: &r)
    r.skipSpace()
    if r.i < r.bytes.count {
      throw Failure(message: "unexpected data after the JSON value", offset: r.i)
    }
    return v
  }

  private mutating func expect(_ c: UInt8, _ what: String) throws {
    skipSpace()
    guard i < bytes.count, bytes[i] == c else {
      throw Failure(message: "expected \(what)", offset: i)
    }
    i += 1
  }

  /// Calls `field` for each key of an object; the closure must consume the value.
  mutating func object(_ field: (inout JSONParser, String) throws -> Void) throws {
    try expect(UInt8(ascii: "{"), "an object")
    try enter()
    defer { depth -= 1 }
    skipSpace()
    if i < bytes.count, bytes[i] == UInt8(ascii: "}") {
      i += 1
      return
    }
    while true {
      skipSpace()
      guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else {
        throw Failure(message: "expected a string key", offset: i)
      }
      let key = try parseString()
      try expect(UInt8(ascii: ":"), "':'")
      skipSpace()
      try field(&self, key)
      skipSpace()
      guard i < bytes.count else { throw Failure(message: "unexpected end of JSON", offset: i) }
      if bytes[i] == UInt8(ascii: ",") {
        i += 1
        continue
      }
      if bytes[i] == UInt8(ascii: "}") {
        i += 1
        return
      }
      throw Failure(message: "expected ',' or '}'", offset: i)
    }
  }

  /// `object`, with the keys matched as bytes against `keys` (no `String` per key: in a
  /// listing, keys are most of the strings): `field` gets the key's position in `keys`, or nil
  /// for another key. A key with escapes is decoded first and compared as text.
  mutating func object(keys: JSONKeys, _ field: (inout JSONParser, Int?) throws -> Void) throws {
    try expect(UInt8(ascii: "{"), "an object")
    try enter()
    defer { depth -= 1 }
    skipSpace()
    if i < bytes.count, bytes[i] == UInt8(ascii: "}") {
      i += 1
      return
    }
    while true {
      skipSpace()
      guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else {
        throw Failure(message: "expected a string key", offset: i)
      }
      let start = i + 1
      let end: Int = bytes.withUnsafeBufferPointer { p in
        var j = start
        while j < p.count {
          let b = p[j]
          if b == UInt8(ascii: "\"") { return j }
          if b == UInt8(ascii: "\\") || b < 0x20 { return -1 }
          j += 1
        }
        return -1
      }
      let index: Int?
      if end >= 0 {
        index = bytes.withUnsafeBufferPointer {
          keys.index(of: UnsafeBufferPointer(rebasing: $0[start..<end]))
        }
        i = end + 1
      } else {
        let key = try parseString()
        index = keys.names.firstIndex(of: key)
      }
      try expect(UInt8(ascii: ":"), "':'")
      skipSpace()
      try field(&self, index)
      skipSpace()
      guard i < bytes.count else { throw Failure(message: "unexpected end of JSON", offset: i) }
      if bytes[i] == UInt8(ascii: ",") {
        i += 1
        continue
      }
      if bytes[i] == UInt8(ascii: "}") {
        i += 1
        return
      }
      throw Failure(message: "expected ',' or '}'", offset: i)
    }
  }

  /// Reads an array of `T`.
  mutating func array<T: JSONPullDecodable>(of type: T.Type) throws -> [T] {
    try expect(UInt8(ascii: "["), "an array")
    try enter()
    defer { depth -= 1 }
    var out: [T] = []
    skipSpace()
    if i < bytes.count, bytes[i] == UInt8(ascii: "]") {
      i += 1
      return out
    }
    while true {
      skipSpace()
      out.append(try T(json: &self))
      skipSpace()
      guard i < bytes.count else { throw Failure(message: "unexpected end of JSON", offset: i) }
      if bytes[i] == UInt8(ascii: ",") {
        i += 1
        continue
      }
      if bytes[i] == UInt8(ascii: "]") {
        i += 1
        return out
      }
      throw Failure(message: "expected ',' or ']'", offset: i)
    }
  }

  mutating func isNull() -> Bool {
    skipSpace()
    if i + 4 <= bytes.count, bytes[i] == UInt8(ascii: "n"), bytes[i + 1] == UInt8(ascii: "u"),
      bytes[i + 2] == UInt8(ascii: "l"), bytes[i + 3] == UInt8(ascii: "l")
    {
      i += 4
      return true
    }
    return false
  }

  /// A string; `key` (made only for the message) names it when it is not one.
  mutating func string(_ key: @autoclosure () -> String) throws -> String {
    skipSpace()
    guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else {
      throw Failure(message: "'\(key())' is not a string", offset: i)
    }
    return try parseString()
  }

  mutating func optionalString(_ key: String) throws -> String? {
    isNull() ? nil : try string(key)
  }

  mutating func integer(_ key: String) throws -> Int? {
    if isNull() { return nil }
    let start = i
    guard case .int(let n) = try parseValue() else {
      throw Failure(message: "'\(key)' is not an integer", offset: start)
    }
    return n
  }

  /// A `maximum_size`: an integer, where one beyond 64 bits (the API accepts those) saturates to
  /// `Int.max` instead of failing the whole listing.
  mutating func size(_ key: String) throws -> Int? {
    if isNull() { return nil }
    let start = i
    switch try parseValue() {
    case .int(let n): return n
    case .double(let d) where d >= 0x1p63 && d.rounded() == d: return Int.max
    default: throw Failure(message: "'\(key)' is not an integer", offset: start)
    }
  }

  mutating func number(_ key: String) throws -> Double? {
    if isNull() { return nil }
    let start = i
    switch try parseValue() {
    case .int(let n): return Double(n)
    case .double(let d): return d
    default: throw Failure(message: "'\(key)' is not a number", offset: start)
    }
  }

  mutating func bool(_ key: String) throws -> Bool {
    let start = i
    guard case .bool(let b) = try parseValue() else {
      throw Failure(message: "'\(key)' is not a boolean", offset: start)
    }
    return b
  }

  mutating func stringMap(_ key: String) throws -> [String: String] {
    var out: [String: String] = [:]
    try object { r, k in out[k] = try r.string("\(key).\(k)") }
    return out
  }

  /// Skips a value of any type.
  mutating func skipValue() throws { _ = try parseValue() }

  static func missing(_ key: String, _ at: Int) -> Failure {
    Failure(message: "missing '\(key)'", offset: at)
  }
}

extension Array: JSONPullDecodable where Element: JSONPullDecodable {
  init(json r: inout JSONParser) throws { self = try r.array(of: Element.self) }
}

extension VersionInfo: JSONPullDecodable {
  init(json r: inout JSONParser) throws {
    let at = r.i
    var v: String?
    try r.object { r, k in if k == "flocker" { v = try r.string(k) } else { try r.skipValue() } }
    guard let v else { throw JSONParser.missing("flocker", at) }
    self.init(flocker: v)
  }
}

extension DatasetConfiguration: JSONPullDecodable {
  static let keys = JSONKeys(["dataset_id", "primary", "deleted", "metadata", "maximum_size"])

  init(json r: inout JSONParser) throws {
    let at = r.i
    var id: String?
    var primary: String?
    var deleted = false
    var metadata: [String: String] = [:]
    var size: Int?
    let keys = Self.keys
    try r.object(keys: keys) { r, k in
      switch k {
      case 0: id = try r.string(keys.names[0])
      case 1: primary = try r.optionalInternedString(keys.names[1])
      case 2: deleted = try r.bool(keys.names[2])
      case 3: metadata = r.isNull() ? [:] : try r.stringMap(keys.names[3])
      case 4: size = try r.size(keys.names[4])
      default: try r.skipValue()
      }
    }
    guard let id else { throw JSONParser.missing("dataset_id", at) }
    self.init(
      datasetID: id, primary: primary, deleted: deleted, metadata: metadata, maximumSize: size)
  }
}

extension DatasetState: JSONPullDecodable {
  static let keys = JSONKeys(["dataset_id", "primary", "path", "maximum_size"])

  init(json r: inout JSONParser) throws {
    let at = r.i
    var id: String?
    var primary: String?
    var path: String?
    var size: Int?
    let keys = Self.keys
    try r.object(keys: keys) { r, k in
      switch k {
      case 0: id = try r.string(keys.names[0])
      case 1: primary = try r.optionalInternedString(keys.names[1])
      case 2: path = try r.optionalString(keys.names[2])
      case 3: size = try r.size(keys.names[3])
      default: try r.skipValue()
      }
    }
    guard let id else { throw JSONParser.missing("dataset_id", at) }
    self.init(datasetID: id, primary: primary, path: path, maximumSize: size)
  }
}

extension Node: JSONPullDecodable {
  init(json r: inout JSONParser) throws {
    let at = r.i
    var uuid: String?
    var host: String?
    try r.object { r, k in
      switch k {
      case "uuid": uuid = try r.string(k)
      case "host": host = try r.string(k)
      default: try r.skipValue()
      }
    }
    guard let uuid else { throw JSONParser.missing("uuid", at) }
    guard let host else { throw JSONParser.missing("host", at) }
    self.init(uuid: uuid, host: host)
  }
}

extension Lease: JSONPullDecodable {
  init(json r: inout JSONParser) throws {
    let at = r.i
    var id: String?
    var node: String?
    var expires: Double?
    try r.object { r, k in
      switch k {
      case "dataset_id": id = try r.string(k)
      case "node_uuid": node = try r.string(k)
      case "expires": expires = try r.number(k)
      default: try r.skipValue()
      }
    }
    guard let id else { throw JSONParser.missing("dataset_id", at) }
    guard let node else { throw JSONParser.missing("node_uuid", at) }
    self.init(datasetID: id, nodeUUID: node, expires: expires)
  }
}

/// Object keys a model reads, matched as bytes (see `JSONParser.object(keys:_:)`).
struct JSONKeys: Sendable {
  let names: [String]
  private let bytes: [[UInt8]]

  init(_ names: [String]) {
    self.names = names
    bytes = names.map { Array($0.utf8) }
  }

  func index(of key: UnsafeBufferPointer<UInt8>) -> Int? {
    for (n, k) in bytes.enumerated() where k.count == key.count {
      if k.withUnsafeBufferPointer({ memcmp($0.baseAddress!, key.baseAddress!, key.count) == 0 }) {
        return n
      }
    }
    return nil
  }
}

/// Node ids repeat on every dataset of a listing: the first few distinct ones are kept and
/// handed out again, so 100 000 datasets on 10 nodes hold 10 node-id strings, not 100 000
/// (16 MB less at the peak of a listing, and as many allocations and frees fewer).
final class StringInterner {
  private var entries: [(bytes: [UInt8], string: String)] = []
  /// Past this many distinct strings, new ones are made as usual (a scan must stay short).
  static let limit = 16

  func string(_ p: UnsafeBufferPointer<UInt8>) -> String {
    for e in entries where e.bytes.count == p.count {
      let same = e.bytes.withUnsafeBufferPointer {
        memcmp($0.baseAddress!, p.baseAddress!, p.count) == 0
      }
      if same { return e.string }
    }
    let s = String(decoding: p, as: UTF8.self)
    if entries.count < Self.limit { entries.append((Array(p), s)) }
    return s
  }
}

extension JSONParser {
  /// `optionalString`, through the interner (when there is one) if it has no escapes.
  mutating func optionalInternedString(_ key: String) throws -> String? {
    guard let interner else { return try optionalString(key) }
    if isNull() { return nil }
    guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { return try string(key) }
    let start = i + 1
    let end: Int = bytes.withUnsafeBufferPointer { p in
      var j = start
      while j < p.count {
        let b = p[j]
        if b == UInt8(ascii: "\"") { return j }
        if b == UInt8(ascii: "\\") || b < 0x20 { return -1 }
        j += 1
      }
      return -1
    }
    guard end > start else { return try string(key) }
    i = end + 1
    return bytes.withUnsafeBufferPointer {
      interner.string(UnsafeBufferPointer(rebasing: $0[start..<end]))
    }
  }
}

// Pulling typed values out of JSON without Foundation's JSONDecoder, whose cost per dataset
// dominates a large listing (Benchmarks/NOTES.md); it fails with the byte offset.

/// A model that reads itself from a JSON pull parser.
package protocol JSONPullDecodable {
  init(json r: inout JSONParser) throws
}

extension JSONParser {
  /// Decodes a whole document as `T`.
  package static func decode<T: JSONPullDecodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T
  {
    var r = JSONParser(bytes: bytes)
    r.skipSpace()
    let v = try T(json: &r)
    r.skipSpace()
    if r.i < r.bytes.count {
      throw Failure(message: "unexpected data after the JSON value", offset: r.i)
    }
    return v
  }

  /// Consumes `c` after any space; `opening` counts it as one more level of nesting.
  @inlinable package mutating func expect(_ c: UInt8, _ what: String, opening: Bool = false) throws
  {
    skipSpace()
    guard i < bytes.count, bytes[i] == c else {
      throw Failure(message: "expected \(what)", offset: i)
    }
    if opening { try enter() }
    i += 1
  }

  /// Calls `field` for each key of an object; the closure must consume the value.
  @inlinable package mutating func object(_ field: (inout JSONParser, String) throws -> Void) throws
  {
    try expect(UInt8(ascii: "{"), "an object", opening: true)
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
  @inlinable package mutating func object(
    keys: JSONKeys, _ field: (inout JSONParser, Int?) throws -> Void
  ) throws {
    try expect(UInt8(ascii: "{"), "an object", opening: true)
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
      keyStart = i
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
  package mutating func array<T: JSONPullDecodable>(of type: T.Type) throws -> [T] {
    var out: [T] = []
    try elements { r in out.append(try T(json: &r)) }
    return out
  }

  /// Calls `element` for each element of an array; the closure must consume the element.
  package mutating func elements(_ element: (inout JSONParser) throws -> Void) throws {
    try expect(UInt8(ascii: "["), "an array", opening: true)
    defer { depth -= 1 }
    skipSpace()
    if i < bytes.count, bytes[i] == UInt8(ascii: "]") {
      i += 1
      return
    }
    while true {
      skipSpace()
      try element(&self)
      skipSpace()
      guard i < bytes.count else { throw Failure(message: "unexpected end of JSON", offset: i) }
      if bytes[i] == UInt8(ascii: ",") {
        i += 1
        continue
      }
      if bytes[i] == UInt8(ascii: "]") {
        i += 1
        return
      }
      throw Failure(message: "expected ',' or ']'", offset: i)
    }
  }

  @inlinable package mutating func isNull() -> Bool {
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
  @inlinable package mutating func string(_ key: @autoclosure () -> String) throws -> String {
    skipSpace()
    guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else {
      throw Failure(message: "'\(key())' is not a string", offset: i)
    }
    return try parseString()
  }

  @inlinable package mutating func optionalString(_ key: String) throws -> String? {
    isNull() ? nil : try string(key)
  }

  package mutating func integer(_ key: String) throws -> Int? {
    if isNull() { return nil }
    let start = i
    guard case .number(.int(let n)) = try scalar() else {
      throw Failure(message: "'\(key)' is not an integer", offset: start)
    }
    return n
  }

  /// A `maximum_size`: an integer, where one beyond 64 bits (the API accepts those) saturates to
  /// `Int.max` instead of failing the whole listing.
  package mutating func size(_ key: String) throws -> Int? {
    if isNull() { return nil }
    let start = i
    switch try scalar() {
    case .number(.int(let n)): return n
    case .number(.double(let d)) where d >= 0x1p63 && d.rounded() == d: return Int.max
    default: throw Failure(message: "'\(key)' is not an integer", offset: start)
    }
  }

  package mutating func number(_ key: String) throws -> Double? {
    if isNull() { return nil }
    let start = i
    switch try scalar() {
    case .number(.int(let n)): return Double(n)
    case .number(.double(let d)): return d
    default: throw Failure(message: "'\(key)' is not a number", offset: start)
    }
  }

  package mutating func bool(_ key: String) throws -> Bool {
    let start = i
    guard case .bool(let b) = try scalar() else {
      throw Failure(message: "'\(key)' is not a boolean", offset: start)
    }
    return b
  }

  package mutating func stringMap(_ key: String) throws -> [String: String] {
    var out: [String: String] = [:]
    try object { r, k in out[k] = try r.string("\(key).\(k)") }
    return out
  }

  /// Skips a value of any type.
  package mutating func skipValue() throws { _ = try scalar() }

  /// The key `object(keys:_:)` read last, as text (for a message).
  package func lastKey() -> String {
    var p = JSONParser(bytes: bytes)
    p.i = keyStart
    return (try? p.parseString()) ?? ""
  }

  package static func missing(_ key: String, _ at: Int) -> Failure {
    Failure(message: "missing '\(key)'", offset: at)
  }
}

extension Array: JSONPullDecodable where Element: JSONPullDecodable {
  package init(json r: inout JSONParser) throws { self = try r.array(of: Element.self) }
}

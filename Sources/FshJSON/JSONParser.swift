// JSON read straight from bytes, without Foundation: the client decodes the API's answers with
// it and the runtime builds its `Value`s with it. Errors name the byte offset.

// The small, hot readers are `@inlinable`: a listing calls them millions of times from the
// client's module, and across modules an ordinary call would not be inlined.

/// A strict RFC 8259 parser over UTF-8 bytes; errors name the byte offset.
package struct JSONParser {
  /// The document.
  package let bytes: [UInt8]
  /// The offset of the next byte to read.
  package var i = 0
  /// How many objects and arrays are open (at most 512).
  package var depth = 0
  /// Shares the storage of strings that repeat across a listing (node ids; StringInterner.swift).
  package var interner: StringInterner?
  /// Where the key `object(keys:_:)` read last starts (its `"`).
  package var keyStart = 0

  package init(bytes: [UInt8]) { self.bytes = bytes }

  /// What went wrong and at which byte.
  package struct Failure: Error, CustomStringConvertible {
    package var message: String
    package var offset: Int
    package init(message: String, offset: Int) {
      self.message = message
      self.offset = offset
    }
    package var description: String { "\(message) at byte \(offset)" }
  }

  /// A number as read: an integer when it has no fraction or exponent and fits.
  package enum Number: Equatable, Sendable {
    case int(Int)
    case double(Double)
  }

  /// A value read by `scalar()`: objects and arrays are skipped (checked, not kept).
  package enum Scalar: Equatable, Sendable {
    case string(String)
    case number(Number)
    case bool(Bool)
    case null
    case object
    case array
  }

  /// Reads any value, keeping it when it is a scalar; the errors are those of a full parse.
  package mutating func scalar() throws -> Scalar {
    guard i < bytes.count else { throw Failure(message: "unexpected end of JSON", offset: i) }
    switch bytes[i] {
    case UInt8(ascii: "{"):
      try object { r, _ in _ = try r.scalar() }
      return .object
    case UInt8(ascii: "["):
      try elements { r in _ = try r.scalar() }
      return .array
    case UInt8(ascii: "\""): return .string(try parseString())
    case UInt8(ascii: "t"): try literal("true"); return .bool(true)
    case UInt8(ascii: "f"): try literal("false"); return .bool(false)
    case UInt8(ascii: "n"): try literal("null"); return .null
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
    default:
      throw Failure(
        message: "unexpected character '\(Character(UnicodeScalar(bytes[i])))'", offset: i)
    }
  }

  @inlinable package mutating func skipSpace() {
    while i < bytes.count {
      switch bytes[i] {
      case 0x20, 0x0A, 0x0D, 0x09: i += 1
      default: return
      }
    }
  }

  private static let trueBytes: [UInt8] = Array("true".utf8)
  private static let falseBytes: [UInt8] = Array("false".utf8)
  private static let nullBytes: [UInt8] = Array("null".utf8)

  package mutating func literal(_ word: String) throws {
    let w = word == "true" ? Self.trueBytes : (word == "false" ? Self.falseBytes : Self.nullBytes)
    guard i + w.count <= bytes.count else {
      throw Failure(message: "unexpected end of JSON", offset: i)
    }
    for k in 0..<w.count where bytes[i + k] != w[k] {
      throw Failure(message: "invalid literal", offset: i)
    }
    i += w.count
  }

  @inlinable package mutating func enter() throws {
    depth += 1
    if depth > 512 { throw Failure(message: "JSON nested too deeply", offset: i) }
  }

  package mutating func parseString() throws -> String {
    i += 1
    let start = i
    // Fast path: no escapes (scanned through a pointer: a listing has a million strings).
    let (fast, end): (String?, Int) = bytes.withUnsafeBufferPointer { p in
      var j = start
      while j < p.count {
        let b = p[j]
        if b == UInt8(ascii: "\"") {
          return (String(decoding: UnsafeBufferPointer(rebasing: p[start..<j]), as: UTF8.self), j)
        }
        if b == UInt8(ascii: "\\") || b < 0x20 { break }
        j += 1
      }
      return (nil, j)
    }
    i = fast == nil ? end : end + 1
    if let fast { return fast }
    var out = [UInt8](bytes[start..<i])
    while i < bytes.count {
      let b = bytes[i]
      if b == UInt8(ascii: "\"") {
        i += 1
        return String(decoding: out, as: UTF8.self)
      }
      if b < 0x20 { throw Failure(message: "control character in string", offset: i) }
      if b != UInt8(ascii: "\\") {
        out.append(b)
        i += 1
        continue
      }
      i += 1
      guard i < bytes.count else { break }
      let e = bytes[i]
      i += 1
      switch e {
      case UInt8(ascii: "\""): out.append(0x22)
      case UInt8(ascii: "\\"): out.append(0x5C)
      case UInt8(ascii: "/"): out.append(0x2F)
      case UInt8(ascii: "b"): out.append(0x08)
      case UInt8(ascii: "f"): out.append(0x0C)
      case UInt8(ascii: "n"): out.append(0x0A)
      case UInt8(ascii: "r"): out.append(0x0D)
      case UInt8(ascii: "t"): out.append(0x09)
      case UInt8(ascii: "u"):
        var code = try hex4()
        if (0xD800..<0xDC00).contains(code), i + 1 < bytes.count, bytes[i] == 0x5C,
          bytes[i + 1] == UInt8(ascii: "u")
        {
          i += 2
          let low = try hex4()
          if (0xDC00..<0xE000).contains(low) {
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
          } else {
            code = 0xFFFD
          }
        }
        let scalar = UnicodeScalar(code) ?? "\u{FFFD}"
        out.append(contentsOf: Array(String(Character(scalar)).utf8))
      default: throw Failure(message: "invalid escape", offset: i - 1)
      }
    }
    throw Failure(message: "unterminated string", offset: start - 1)
  }

  mutating func hex4() throws -> UInt32 {
    guard i + 4 <= bytes.count else { throw Failure(message: "truncated \\u escape", offset: i) }
    var v: UInt32 = 0
    for _ in 0..<4 {
      let b = bytes[i]
      let d: UInt8
      switch b {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): d = b - UInt8(ascii: "0")
      case UInt8(ascii: "a")...UInt8(ascii: "f"): d = b - UInt8(ascii: "a") + 10
      case UInt8(ascii: "A")...UInt8(ascii: "F"): d = b - UInt8(ascii: "A") + 10
      default: throw Failure(message: "invalid \\u escape", offset: i)
      }
      v = v * 16 + UInt32(d)
      i += 1
    }
    return v
  }

  /// Reads a number; one without a fraction or exponent that fits in `Int` is `.int`.
  package mutating func parseNumber() throws -> Number {
    let start = i
    var isInteger = true
    if bytes[i] == UInt8(ascii: "-") { i += 1 }
    guard i < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[i]) else {
      throw Failure(message: "invalid number", offset: start)
    }
    while i < bytes.count {
      let b = bytes[i]
      if (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b) {
        i += 1
      } else if b == UInt8(ascii: ".") || b == UInt8(ascii: "e") || b == UInt8(ascii: "E")
        || b == UInt8(ascii: "+") || b == UInt8(ascii: "-")
      {
        isInteger = false
        i += 1
      } else {
        break
      }
    }
    let text = String(decoding: bytes[start..<i], as: UTF8.self)
    if isInteger, let n = Int(text) { return .int(n) }
    guard let d = Double(text) else { throw Failure(message: "invalid number", offset: start) }
    return .double(d)
  }
}

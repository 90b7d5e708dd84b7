import Foundation

/// Converts between `Value` and JSON text without Foundation's bridging (fast and ordered).
public enum JSON {
  /// Encodes a value as JSON; `pretty` indents by two spaces like `jq`.
  public static func encode(_ value: Value, pretty: Bool = true) -> String {
    var out = ""
    write(value, to: &out, pretty: pretty, indent: 0)
    return out
  }

  private static func write(_ v: Value, to out: inout String, pretty: Bool, indent: Int) {
    switch v {
    case .null: out += "null"
    case .bool(let b): out += b ? "true" : "false"
    case .int(let i): out += String(i)
    case .double(let d): out += d.isFinite ? Value.format(d) : "null"
    case .string(let s): writeString(s, to: &out)
    case .list(let items):
      if items.isEmpty {
        out += "[]"
        return
      }
      out += "["
      for (n, item) in items.enumerated() {
        if n > 0 { out += "," }
        if pretty { newline(&out, indent + 1) }
        write(item, to: &out, pretty: pretty, indent: indent + 1)
      }
      if pretty { newline(&out, indent) }
      out += "]"
    case .record(let r):
      if r.fields.isEmpty {
        out += "{}"
        return
      }
      out += "{"
      for (n, field) in r.fields.enumerated() {
        if n > 0 { out += "," }
        if pretty { newline(&out, indent + 1) }
        writeString(field.key, to: &out)
        out += pretty ? ": " : ":"
        write(field.value, to: &out, pretty: pretty, indent: indent + 1)
      }
      if pretty { newline(&out, indent) }
      out += "}"
    }
  }

  private static func newline(_ out: inout String, _ indent: Int) {
    out += "\n"
    out += String(repeating: "  ", count: indent)
  }

  static func writeString(_ s: String, to out: inout String) {
    out += "\""
    for u in s.unicodeScalars {
      switch u {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      default:
        // Control characters (C0, DEL, C1) and bidi controls are escaped so that JSON printed
        // on a terminal is as harmless as a table (see `TerminalText`).
        if TerminalText.isUnsafe(u) {
          out += String(format: "\\u%04x", u.value)
        } else {
          out.unicodeScalars.append(u)
        }
      }
    }
    out += "\""
  }

  /// Decodes JSON text into a `Value`; numbers without a fraction or exponent become `.int`.
  public static func decode(_ text: String) throws -> Value {
    try decode(Array(text.utf8))
  }

  /// Decodes JSON bytes into a `Value`, keeping the order of object keys.
  public static func decode(_ bytes: [UInt8]) throws -> Value {
    var parser = JSONParser(bytes: bytes)
    return try parser.parseDocument()
  }
}

/// A strict RFC 8259 parser over UTF-8 bytes; errors name the byte offset.
struct JSONParser {
  let bytes: [UInt8]
  var i = 0
  var depth = 0
  /// Shares the storage of strings that repeat across a listing (node ids; FastJSON.swift).
  var interner: StringInterner?

  init(bytes: [UInt8]) { self.bytes = bytes }

  struct Failure: Error, CustomStringConvertible {
    var message: String
    var offset: Int
    var description: String { "\(message) at byte \(offset)" }
  }

  mutating func parseDocument() throws -> Value {
    skipSpace()
    let v = try parseValue()
    skipSpace()
    if i < bytes.count { throw Failure(message: "unexpected data after the JSON value", offset: i) }
    return v
  }

  mutating func skipSpace() {
    while i < bytes.count {
      switch bytes[i] {
      case 0x20, 0x0A, 0x0D, 0x09: i += 1
      default: return
      }
    }
  }

  mutating func parseValue() throws -> Value {
    guard i < bytes.count else { throw Failure(message: "unexpected end of JSON", offset: i) }
    switch bytes[i] {
    case UInt8(ascii: "{"): return try parseObject()
    case UInt8(ascii: "["): return try parseArray()
    case UInt8(ascii: "\""): return .string(try parseString())
    case UInt8(ascii: "t"): try literal("true"); return .bool(true)
    case UInt8(ascii: "f"): try literal("false"); return .bool(false)
    case UInt8(ascii: "n"): try literal("null"); return .null
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
    default:
      throw Failure(
        message: "unexpected character '\(Character(UnicodeScalar(bytes[i])))'", offset: i)
    }
  }

  static let trueBytes: [UInt8] = Array("true".utf8)
  static let falseBytes: [UInt8] = Array("false".utf8)
  static let nullBytes: [UInt8] = Array("null".utf8)

  mutating func literal(_ word: String) throws {
    let w = word == "true" ? Self.trueBytes : (word == "false" ? Self.falseBytes : Self.nullBytes)
    guard i + w.count <= bytes.count else {
      throw Failure(message: "unexpected end of JSON", offset: i)
    }
    for k in 0..<w.count where bytes[i + k] != w[k] {
      throw Failure(message: "invalid literal", offset: i)
    }
    i += w.count
  }

  mutating func enter() throws {
    depth += 1
    if depth > 512 { throw Failure(message: "JSON nested too deeply", offset: i) }
  }

  mutating func parseObject() throws -> Value {
    try enter()
    defer { depth -= 1 }
    i += 1
    var fields: [(String, Value)] = []
    skipSpace()
    if i < bytes.count, bytes[i] == UInt8(ascii: "}") {
      i += 1
      return .record(Record(fields))
    }
    while true {
      skipSpace()
      guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else {
        throw Failure(message: "expected a string key", offset: i)
      }
      let key = try parseString()
      skipSpace()
      guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else {
        throw Failure(message: "expected ':'", offset: i)
      }
      i += 1
      skipSpace()
      fields.append((key, try parseValue()))
      skipSpace()
      guard i < bytes.count else { throw Failure(message: "unexpected end of JSON", offset: i) }
      if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
      if bytes[i] == UInt8(ascii: "}") { i += 1; return .record(Record(fields)) }
      throw Failure(message: "expected ',' or '}'", offset: i)
    }
  }

  mutating func parseArray() throws -> Value {
    try enter()
    defer { depth -= 1 }
    i += 1
    var items: [Value] = []
    skipSpace()
    if i < bytes.count, bytes[i] == UInt8(ascii: "]") {
      i += 1
      return .list(items)
    }
    while true {
      skipSpace()
      items.append(try parseValue())
      skipSpace()
      guard i < bytes.count else { throw Failure(message: "unexpected end of JSON", offset: i) }
      if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
      if bytes[i] == UInt8(ascii: "]") { i += 1; return .list(items) }
      throw Failure(message: "expected ',' or ']'", offset: i)
    }
  }

  mutating func parseString() throws -> String {
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

  mutating func parseNumber() throws -> Value {
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

// A small JSON model that behaves like the Python 2.7 `json` module Flocker runs on: the parser
// keeps integers and floats apart (`1073741824.0` is a float, and jsonschema rejects it as an
// integer), accepts `NaN`/`Infinity`, and the encoder writes `json.dumps` style (`", "` and `": "`
// separators, `ensure_ascii`). `pythonRepr` renders values the way jsonschema's `%r` messages do.

import Foundation

/// An ordered JSON object (duplicate keys: the last value wins, the first position stays).
struct JSONObject: Equatable {
  private(set) var keys: [String] = []
  private var values: [String: JSONValue] = [:]

  init() {}

  init(_ pairs: [(String, JSONValue)]) {
    for (key, value) in pairs { self[key] = value }
  }

  subscript(key: String) -> JSONValue? {
    get { values[key] }
    set {
      if let newValue {
        if values.updateValue(newValue, forKey: key) == nil { keys.append(key) }
      } else if values.removeValue(forKey: key) != nil {
        keys.removeAll { $0 == key }
      }
    }
  }

  var count: Int { keys.count }
  var pairs: [(String, JSONValue)] { keys.map { ($0, values[$0]!) } }
}

/// A decoded JSON value.
indirect enum JSONValue: Equatable {
  case null
  case bool(Bool)
  case int(Int64)
  /// An integer literal too large for Int64 (Python 2 `long`), as its decimal digits.
  case bigInt(String)
  case double(Double)
  case string(String)
  case array([JSONValue])
  case object(JSONObject)

  var stringValue: String? {
    if case .string(let value) = self { return value }
    return nil
  }

  var objectValue: JSONObject? {
    if case .object(let value) = self { return value }
    return nil
  }
}

// MARK: - Parsing

enum JSONParseError: Error {
  /// Not valid JSON (Python raises ValueError → Flocker's 400).
  case invalid
  /// Nested too deeply (Python raises RuntimeError → Flocker's 500).
  case tooDeep
}

/// Parses `bytes` like Python 2.7 `json.loads` (strict mode: raw control characters inside strings
/// are errors; the whole input must be one value plus whitespace).
func parseJSON(_ bytes: [UInt8]) throws -> JSONValue {
  var parser = JSONParser(bytes: bytes)
  parser.skipWhitespace()
  let value = try parser.parseValue(depth: 0)
  parser.skipWhitespace()
  guard parser.index == bytes.count else { throw JSONParseError.invalid }
  return value
}

private struct JSONParser {
  let bytes: [UInt8]
  var index = 0

  init(bytes: [UInt8]) { self.bytes = bytes }

  mutating func skipWhitespace() {
    while index < bytes.count {
      switch bytes[index] {
      case 0x20, 0x09, 0x0A, 0x0D: index += 1
      default: return
      }
    }
  }

  func peek() -> UInt8? { index < bytes.count ? bytes[index] : nil }

  mutating func consume(_ literal: String) -> Bool {
    let utf8 = Array(literal.utf8)
    guard index + utf8.count <= bytes.count, Array(bytes[index..<index + utf8.count]) == utf8
    else { return false }
    index += utf8.count
    return true
  }

  mutating func parseValue(depth: Int) throws -> JSONValue {
    // CPython's recursion limit is 1000 frames; deeper nesting is a RuntimeError there.
    guard depth < 900 else { throw JSONParseError.tooDeep }
    guard let byte = peek() else { throw JSONParseError.invalid }
    switch byte {
    case UInt8(ascii: "{"): return try parseObject(depth: depth)
    case UInt8(ascii: "["): return try parseArray(depth: depth)
    case UInt8(ascii: "\""): return .string(try parseString())
    case UInt8(ascii: "n"):
      if consume("null") { return .null }
    case UInt8(ascii: "t"):
      if consume("true") { return .bool(true) }
    case UInt8(ascii: "f"):
      if consume("false") { return .bool(false) }
    case UInt8(ascii: "N"):
      if consume("NaN") { return .double(.nan) }
    case UInt8(ascii: "I"):
      if consume("Infinity") { return .double(.infinity) }
    case UInt8(ascii: "-"):
      if consume("-Infinity") { return .double(-.infinity) }
      return try parseNumber()
    case UInt8(ascii: "0")...UInt8(ascii: "9"):
      return try parseNumber()
    default:
      break
    }
    throw JSONParseError.invalid
  }

  mutating func parseObject(depth: Int) throws -> JSONValue {
    index += 1
    var object = JSONObject()
    skipWhitespace()
    if peek() == UInt8(ascii: "}") {
      index += 1
      return .object(object)
    }
    while true {
      skipWhitespace()
      guard peek() == UInt8(ascii: "\"") else { throw JSONParseError.invalid }
      let key = try parseString()
      skipWhitespace()
      guard peek() == UInt8(ascii: ":") else { throw JSONParseError.invalid }
      index += 1
      skipWhitespace()
      object[key] = try parseValue(depth: depth + 1)
      skipWhitespace()
      guard let next = peek() else { throw JSONParseError.invalid }
      index += 1
      if next == UInt8(ascii: "}") { return .object(object) }
      guard next == UInt8(ascii: ",") else { throw JSONParseError.invalid }
    }
  }

  mutating func parseArray(depth: Int) throws -> JSONValue {
    index += 1
    var array: [JSONValue] = []
    skipWhitespace()
    if peek() == UInt8(ascii: "]") {
      index += 1
      return .array(array)
    }
    while true {
      skipWhitespace()
      array.append(try parseValue(depth: depth + 1))
      skipWhitespace()
      guard let next = peek() else { throw JSONParseError.invalid }
      index += 1
      if next == UInt8(ascii: "]") { return .array(array) }
      guard next == UInt8(ascii: ",") else { throw JSONParseError.invalid }
    }
  }

  mutating func parseHex4() throws -> UInt32 {
    guard index + 4 <= bytes.count else { throw JSONParseError.invalid }
    var value: UInt32 = 0
    for _ in 0..<4 {
      let byte = bytes[index]
      index += 1
      let digit: UInt32
      switch byte {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
      case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
      case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
      default: throw JSONParseError.invalid
      }
      value = value << 4 | digit
    }
    return value
  }

  mutating func parseString() throws -> String {
    index += 1
    var raw: [UInt8] = []
    while true {
      guard index < bytes.count else { throw JSONParseError.invalid }
      let byte = bytes[index]
      index += 1
      switch byte {
      case UInt8(ascii: "\""):
        // The body must be UTF-8 (Python decodes it before parsing).
        guard let string = String(validating: raw, as: UTF8.self) else {
          throw JSONParseError.invalid
        }
        return string
      case 0..<0x20:
        throw JSONParseError.invalid
      case UInt8(ascii: "\\"):
        guard index < bytes.count else { throw JSONParseError.invalid }
        let escape = bytes[index]
        index += 1
        switch escape {
        case UInt8(ascii: "\""): raw.append(0x22)
        case UInt8(ascii: "\\"): raw.append(0x5C)
        case UInt8(ascii: "/"): raw.append(0x2F)
        case UInt8(ascii: "b"): raw.append(0x08)
        case UInt8(ascii: "f"): raw.append(0x0C)
        case UInt8(ascii: "n"): raw.append(0x0A)
        case UInt8(ascii: "r"): raw.append(0x0D)
        case UInt8(ascii: "t"): raw.append(0x09)
        case UInt8(ascii: "u"):
          var scalar = try parseHex4()
          if (0xD800..<0xDC00).contains(scalar), index + 6 <= bytes.count,
            bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
          {
            let saved = index
            index += 2
            let low = try parseHex4()
            if (0xDC00..<0xE000).contains(low) {
              scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else {
              index = saved
            }
          }
          // Python 2 keeps lone surrogates; a Swift String cannot, so they become U+FFFD.
          let character = Unicode.Scalar(scalar) ?? "\u{FFFD}"
          raw.append(contentsOf: Array(String(Character(character)).utf8))
        default:
          throw JSONParseError.invalid
        }
      default:
        raw.append(byte)
      }
    }
  }

  mutating func parseNumber() throws -> JSONValue {
    let start = index
    if peek() == UInt8(ascii: "-") { index += 1 }
    guard let first = peek(), (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) else {
      throw JSONParseError.invalid
    }
    if first == UInt8(ascii: "0") {
      index += 1
    } else {
      while let digit = peek(), (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(digit) {
        index += 1
      }
    }
    var isFloat = false
    if peek() == UInt8(ascii: "."), index + 1 < bytes.count,
      (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index + 1])
    {
      isFloat = true
      index += 1
      while let digit = peek(), (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(digit) {
        index += 1
      }
    }
    if let e = peek(), e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
      var probe = index + 1
      if probe < bytes.count, bytes[probe] == UInt8(ascii: "+") || bytes[probe] == UInt8(ascii: "-")
      {
        probe += 1
      }
      if probe < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[probe]) {
        isFloat = true
        index = probe
        while let digit = peek(), (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(digit) {
          index += 1
        }
      }
    }
    let text = String(decoding: bytes[start..<index], as: UTF8.self)
    if isFloat {
      guard let value = Double(text) else { throw JSONParseError.invalid }
      return .double(value)
    }
    if let value = Int64(text) { return .int(value) }
    // Normalise "-0..." is impossible here (leading zeros are not digits of a longer literal).
    return .bigInt(text)
  }
}

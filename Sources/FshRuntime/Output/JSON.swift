import Foundation
import FshJSON

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

  package static func writeString(_ s: String, to out: inout String) {
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
    try JSONParser.decode(Value.self, from: bytes)
  }
}

extension Value: JSONPullDecodable {
  /// Reads any JSON value as a `Value`, objects as records in their key order.
  package init(json r: inout JSONParser) throws {
    switch r.i < r.bytes.count ? r.bytes[r.i] : 0 {
    case UInt8(ascii: "{"):
      var fields: [(String, Value)] = []
      try r.object { r, key in fields.append((key, try Value(json: &r))) }
      self = .record(Record(fields))
    case UInt8(ascii: "["):
      var items: [Value] = []
      try r.elements { r in items.append(try Value(json: &r)) }
      self = .list(items)
    default:
      switch try r.scalar() {
      case .string(let s): self = .string(s)
      case .number(.int(let n)): self = .int(n)
      case .number(.double(let d)): self = .double(d)
      case .bool(let b): self = .bool(b)
      case .null, .object, .array: self = .null  // objects and arrays are read above
      }
    }
  }
}

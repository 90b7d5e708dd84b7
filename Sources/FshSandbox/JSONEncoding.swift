// JSON written the way Flocker's Python server writes it (`json.dumps`), byte for byte.
import Foundation

/// Appends `string` as a JSON string literal with Python's `ensure_ascii` escaping.
func appendJSONString(_ string: String, to out: inout [UInt8]) {
  out.append(0x22)
  for scalar in string.unicodeScalars {
    let value = scalar.value
    switch value {
    case 0x22: out.append(contentsOf: [0x5C, 0x22])
    case 0x5C: out.append(contentsOf: [0x5C, 0x5C])
    case 0x0A: out.append(contentsOf: [0x5C, UInt8(ascii: "n")])
    case 0x0D: out.append(contentsOf: [0x5C, UInt8(ascii: "r")])
    case 0x09: out.append(contentsOf: [0x5C, UInt8(ascii: "t")])
    case 0x08: out.append(contentsOf: [0x5C, UInt8(ascii: "b")])
    case 0x0C: out.append(contentsOf: [0x5C, UInt8(ascii: "f")])
    case 0x20...0x7E: out.append(UInt8(value))
    case 0x10000...:
      let offset = value - 0x10000
      appendUnicodeEscape(0xD800 + (offset >> 10), to: &out)
      appendUnicodeEscape(0xDC00 + (offset & 0x3FF), to: &out)
    default:
      appendUnicodeEscape(value, to: &out)
    }
  }
  out.append(0x22)
}

private let hexDigits = Array("0123456789abcdef".utf8)

private func appendUnicodeEscape(_ value: UInt32, to out: inout [UInt8]) {
  out.append(contentsOf: [0x5C, UInt8(ascii: "u")])
  for shift in stride(from: 12, through: 0, by: -4) {
    out.append(hexDigits[Int((value >> UInt32(shift)) & 0xF)])
  }
}

/// Appends a string known to be plain ASCII without escapes (UUIDs, paths built from them).
@inline(__always)
func appendASCII(_ string: StaticString, to out: inout [UInt8]) {
  string.withUTF8Buffer { out.append(contentsOf: $0) }
}

func appendInteger(_ value: Int64, to out: inout [UInt8]) {
  out.append(contentsOf: String(value).utf8)
}

/// Python's float repr (and thus `json.dumps` of a float): shortest round-trip digits,
/// exponent notation when the decimal exponent is < -4 or >= 16, else fixed with `.0`.
func pythonFloatRepr(_ value: Double) -> String {
  if value.isNaN { return "nan" }
  if value.isInfinite { return value < 0 ? "-inf" : "inf" }
  if value == 0 { return value.sign == .minus ? "-0.0" : "0.0" }
  // Swift's description is also the shortest round-trip representation; take its digits.
  let swift = "\(Swift.abs(value))"
  var mantissa = swift
  var exponent = 0
  if let e = swift.firstIndex(where: { $0 == "e" || $0 == "E" }) {
    mantissa = String(swift[..<e])
    exponent = Int(swift[swift.index(after: e)...])!
  }
  var digits: String
  var pointPosition: Int  // value = 0.digits × 10^pointPosition
  if let dot = mantissa.firstIndex(of: ".") {
    let integerPart = String(mantissa[..<dot])
    let fraction = String(mantissa[mantissa.index(after: dot)...])
    digits = integerPart + fraction
    pointPosition = integerPart.count + exponent
  } else {
    digits = mantissa
    pointPosition = mantissa.count + exponent
  }
  // Strip leading zeros (e.g. "0.001") and trailing zeros.
  while digits.first == "0" && digits.count > 1 {
    digits.removeFirst()
    pointPosition -= 1
  }
  while digits.last == "0" && digits.count > 1 { digits.removeLast() }
  let sign = value < 0 ? "-" : ""
  let decimalExponent = pointPosition - 1
  if decimalExponent < -4 || decimalExponent >= 16 {
    var result = String(digits.first!)
    if digits.count > 1 { result += "." + digits.dropFirst() }
    let magnitude = Swift.abs(decimalExponent)
    result += (decimalExponent < 0 ? "e-" : "e+") + (magnitude < 10 ? "0" : "") + String(magnitude)
    return sign + result
  }
  if pointPosition <= 0 {
    return sign + "0." + String(repeating: "0", count: -pointPosition) + digits
  }
  if pointPosition >= digits.count {
    return sign + digits + String(repeating: "0", count: pointPosition - digits.count) + ".0"
  }
  let split = digits.index(digits.startIndex, offsetBy: pointPosition)
  return sign + digits[..<split] + "." + digits[split...]
}

/// Encodes a value the way Python's `json.dumps` does (used for error bodies and small objects).
func encodeJSON(_ value: JSONValue, to out: inout [UInt8]) {
  switch value {
  case .null: appendASCII("null", to: &out)
  case .bool(let flag): flag ? appendASCII("true", to: &out) : appendASCII("false", to: &out)
  case .int(let number): appendInteger(number, to: &out)
  case .bigInt(let digits): out.append(contentsOf: digits.utf8)
  case .double(let number):
    if number.isNaN {
      appendASCII("NaN", to: &out)
    } else if number.isInfinite {
      number < 0 ? appendASCII("-Infinity", to: &out) : appendASCII("Infinity", to: &out)
    } else {
      out.append(contentsOf: pythonFloatRepr(number).utf8)
    }
  case .string(let string): appendJSONString(string, to: &out)
  case .array(let items):
    out.append(UInt8(ascii: "["))
    for (position, item) in items.enumerated() {
      if position > 0 { appendASCII(", ", to: &out) }
      encodeJSON(item, to: &out)
    }
    out.append(UInt8(ascii: "]"))
  case .object(let object):
    out.append(UInt8(ascii: "{"))
    for (position, (key, item)) in object.pairs.enumerated() {
      if position > 0 { appendASCII(", ", to: &out) }
      appendJSONString(key, to: &out)
      appendASCII(": ", to: &out)
      encodeJSON(item, to: &out)
    }
    out.append(UInt8(ascii: "}"))
  }
}

func encodeJSON(_ value: JSONValue) -> [UInt8] {
  var out: [UInt8] = []
  encodeJSON(value, to: &out)
  return out
}

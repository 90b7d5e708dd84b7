// Python 2 `repr` of JSON values, as jsonschema's messages quote them.
import Foundation

/// `repr()` of a decoded request value under Python 2: strings are `unicode` (`u'...'`), large
/// integers are `long` (`...L`), `True`/`False`/`None`.
func pythonRepr(_ value: JSONValue) -> String {
  switch value {
  case .null: return "None"
  case .bool(let flag): return flag ? "True" : "False"
  case .int(let number): return String(number)
  case .bigInt(let digits): return digits + "L"
  case .double(let number): return pythonFloatRepr(number)
  case .string(let string): return pythonUnicodeRepr(string)
  case .array(let items): return "[" + items.map(pythonRepr).joined(separator: ", ") + "]"
  case .object(let object):
    return "{"
      + object.pairs.map { pythonUnicodeRepr($0.0) + ": " + pythonRepr($0.1) }.joined(
        separator: ", ") + "}"
  }
}

/// Python 2 `repr(unicode)`: `u'...'`, switching to double quotes when the text contains `'` but
/// no `"`; non-printable and non-ASCII characters as `\xNN`, `\uNNNN` or `\UNNNNNNNN`.
func pythonUnicodeRepr(_ string: String) -> String {
  "u" + pythonQuoted(string)
}

/// Python 2 `repr(str)` of an ASCII schema string: `'...'`.
func pythonStrRepr(_ string: String) -> String {
  pythonQuoted(string)
}

private func pythonQuoted(_ string: String) -> String {
  let quote: Character = string.contains("'") && !string.contains("\"") ? "\"" : "'"
  var result = String(quote)
  for scalar in string.unicodeScalars {
    let value = scalar.value
    switch value {
    case _ where Character(scalar) == quote: result += "\\" + String(quote)
    case 0x5C: result += "\\\\"
    case 0x09: result += "\\t"
    case 0x0A: result += "\\n"
    case 0x0D: result += "\\r"
    case 0x20..<0x7F: result.unicodeScalars.append(scalar)
    case 0..<0x100: result += "\\x" + hex(value, width: 2)
    case 0x100..<0x10000: result += "\\u" + hex(value, width: 4)
    default: result += "\\U" + hex(value, width: 8)
    }
  }
  result.append(quote)
  return result
}

private func hex(_ value: UInt32, width: Int) -> String {
  let digits = String(value, radix: 16)
  return String(repeating: "0", count: max(0, width - digits.count)) + digits
}

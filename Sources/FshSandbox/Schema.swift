// The request schemas of flocker/control/schema/{endpoints,types}.yml and a validator that walks
// them the way jsonschema 2.5.1 (Draft 4, what Flocker 1.15 ran) does, producing its messages:
// `'primary' is a required property`, `Additional properties are not allowed (u'junk' was
// unexpected)`, `1073741824.0 is not of type 'integer', 'null'`, ... Validators run in the order
// the keywords appear in the YAML (Python 2 dict order is not reproducible; the set of messages
// is the same).

import Foundation

/// A Draft 4 schema node, limited to the keywords Flocker's dataset and lease schemas use.
final class Schema {
  enum Keyword {
    case type([String])
    case properties([(String, Schema)])
    /// `patternProperties` (pattern source + matcher).
    case patternProperties([(String, (String) -> Bool, Schema)])
    case additionalPropertiesFalse
    case required([String])
    case allOf([Schema])
    case minLength(Int)
    case maxLength(Int)
    case pattern(String, (String) -> Bool)
    case minimum(Int64)
    case multipleOf(Int64)
    case maxProperties(Int)
  }

  let keywords: [Keyword]

  init(_ keywords: [Keyword]) { self.keywords = keywords }

  /// Returns every error message, in order, like `validator.iter_errors(instance)`.
  func errors(for instance: JSONValue) -> [String] {
    var messages: [String] = []
    collect(instance, into: &messages)
    return messages
  }

  private func collect(_ instance: JSONValue, into messages: inout [String]) {
    for keyword in keywords {
      switch keyword {
      case .type(let types):
        if !types.contains(where: { Schema.isType(instance, $0) }) {
          messages.append(
            "\(pythonRepr(instance)) is not of type "
              + types.map(pythonStrRepr).joined(separator: ", "))
        }
      case .properties(let properties):
        guard case .object(let object) = instance else { continue }
        for (name, schema) in properties {
          if let value = object[name] { schema.collect(value, into: &messages) }
        }
      case .patternProperties(let patterns):
        guard case .object(let object) = instance else { continue }
        for (_, matches, schema) in patterns {
          for (key, value) in object.pairs where matches(key) {
            schema.collect(value, into: &messages)
          }
        }
      case .additionalPropertiesFalse:
        guard case .object(let object) = instance else { continue }
        var declared: Set<String> = []
        var patterns: [(String, (String) -> Bool)] = []
        for other in keywords {
          if case .properties(let properties) = other {
            declared.formUnion(properties.map(\.0))
          }
          if case .patternProperties(let list) = other {
            patterns += list.map { ($0.0, $0.1) }
          }
        }
        let extras = object.keys.filter { key in
          !declared.contains(key) && !patterns.contains(where: { $0.1(key) })
        }
        guard !extras.isEmpty else { continue }
        // jsonschema 2.5.1 has no patternProperties wording (`… does not match any of the
        // regexes` is jsonschema 3): a key matching no pattern is an additional property.
        messages.append(
          "Additional properties are not allowed ("
            + extras.map(pythonUnicodeRepr).joined(separator: ", ")
            + (extras.count == 1 ? " was" : " were") + " unexpected)")
      case .required(let names):
        guard case .object(let object) = instance else { continue }
        for name in names where object[name] == nil {
          messages.append("\(pythonStrRepr(name)) is a required property")
        }
      case .allOf(let schemas):
        for schema in schemas { schema.collect(instance, into: &messages) }
      case .minLength(let limit):
        if case .string(let string) = instance, string.unicodeScalars.count < limit {
          messages.append("\(pythonRepr(instance)) is too short")
        }
      case .maxLength(let limit):
        if case .string(let string) = instance, string.unicodeScalars.count > limit {
          messages.append("\(pythonRepr(instance)) is too long")
        }
      case .pattern(let source, let matches):
        if case .string(let string) = instance, !matches(string) {
          messages.append("\(pythonRepr(instance)) does not match \(pythonStrRepr(source))")
        }
      case .minimum(let limit):
        let failed: Bool
        switch instance {
        case .int(let number): failed = number < limit
        case .bigInt(let digits): failed = digits.hasPrefix("-")
        case .double(let number): failed = number < Double(limit)
        default: continue
        }
        if failed {
          messages.append("\(pythonRepr(instance)) is less than the minimum of \(limit)")
        }
      case .multipleOf(let divisor):
        let failed: Bool
        switch instance {
        case .int(let number): failed = number % divisor != 0
        case .bigInt(let digits): failed = Schema.remainder(digits, divisor) != 0
        case .double(let number): failed = !(fmod(number, Double(divisor)) == 0)
        default: continue
        }
        if failed {
          messages.append("\(pythonRepr(instance)) is not a multiple of \(divisor)")
        }
      case .maxProperties(let limit):
        if case .object(let object) = instance, object.count > limit {
          messages.append("\(pythonRepr(instance)) has too many properties")
        }
      }
    }
  }

  static func isType(_ instance: JSONValue, _ type: String) -> Bool {
    switch (type, instance) {
    case ("object", .object), ("array", .array), ("string", .string), ("null", .null),
      ("boolean", .bool), ("integer", .int), ("integer", .bigInt), ("number", .int),
      ("number", .bigInt), ("number", .double):
      return true
    default:
      return false
    }
  }

  private static func remainder(_ digits: String, _ divisor: Int64) -> Int64 {
    var result: Int64 = 0
    for character in digits where character.isNumber {
      result = (result * 10 + Int64(character.wholeNumberValue!)) % divisor
    }
    return result
  }
}

// MARK: - Flocker's schemas (types.yml / endpoints.yml)

/// Python `re.search` semantics for anchored patterns: `$` also matches before a final newline.
private func withoutFinalNewline(_ string: String) -> Substring {
  string.hasSuffix("\n") ? string.dropLast() : Substring(string)
}

private let uuidPattern =
  "^[A-Fa-f0-9]{8}-[A-Fa-f0-9]{4}-4[A-Fa-f0-9]{3}-[89abAB][A-Fa-f0-9]{3}-[A-Fa-f0-9]{12}$"

/// Matches types.yml's UUIDv4 pattern (`re.search`, so a trailing "\n" is tolerated by `$`).
func matchesUUIDv4Pattern(_ string: String) -> Bool {
  let scalars = Array(withoutFinalNewline(string).unicodeScalars)
  guard scalars.count == 36 else { return false }
  for (position, scalar) in scalars.enumerated() {
    switch position {
    case 8, 13, 18, 23:
      if scalar != "-" { return false }
    case 14:
      if scalar != "4" { return false }
    case 19:
      if !"89abAB".unicodeScalars.contains(scalar) { return false }
    default:
      if !isHexDigit(scalar) { return false }
    }
  }
  return true
}

func isHexDigit(_ scalar: Unicode.Scalar) -> Bool {
  switch scalar {
  case "0"..."9", "a"..."f", "A"..."F": return true
  default: return false
  }
}

/// `^.{1,256}$` under `re.search`: 1–256 characters, none of them a newline (`.`), optionally
/// followed by one final newline (`$`).
private func matchesMetadataKey(_ key: String) -> Bool {
  let body = withoutFinalNewline(key)
  let count = body.unicodeScalars.count
  return (1...256).contains(count) && !body.unicodeScalars.contains("\n")
}

enum FlockerSchemas {
  static let uuid = Schema([
    .type(["string"]), .minLength(36), .maxLength(36), .pattern(uuidPattern, matchesUUIDv4Pattern),
  ])
  /// `dataset_id`, `primary`, `node_uuid`: `type: string` + `allOf: [$ref uuid]`.
  static let uuidReference = Schema([.type(["string"]), .allOf([uuid])])
  static let deleted = Schema([.type(["boolean"])])
  static let metadata = Schema([
    .type(["object"]),
    .patternProperties([
      ("^.{1,256}$", matchesMetadataKey, Schema([.type(["string"]), .maxLength(256)]))
    ]),
    .maxProperties(16),
    .additionalPropertiesFalse,
  ])
  static let maximumSize = Schema([
    .type(["integer", "null"]), .minimum(67_108_864), .multipleOf(1024),
  ])
  static let datasetConfiguration = Schema([
    .type(["object"]),
    .properties([
      ("primary", uuidReference), ("dataset_id", uuidReference), ("deleted", deleted),
      ("metadata", metadata), ("maximum_size", maximumSize),
    ]),
    .additionalPropertiesFalse,
  ])
  /// endpoints.yml `configuration_datasets_create`.
  static let datasetCreate = Schema([
    .type(["object"]), .properties([]),
    .allOf([datasetConfiguration, Schema([.required(["primary"])])]),
  ])
  /// types.yml `dataset_configuration_update` (via endpoints.yml `configuration_datasets_update`).
  static let datasetUpdate = Schema([
    .type(["object"]), .properties([("primary", uuidReference)]), .additionalPropertiesFalse,
  ])
  static let leaseDatasetID = Schema([.type(["string"]), .minLength(36), .maxLength(36)])
  static let leaseExpiration = Schema([.type(["number", "null"])])
  /// types.yml `lease`.
  static let lease = Schema([
    .type(["object"]),
    .properties([
      ("dataset_id", leaseDatasetID), ("node_uuid", uuidReference), ("expires", leaseExpiration),
    ]),
    .required(["dataset_id", "node_uuid", "expires"]),
    .additionalPropertiesFalse,
  ])
  /// endpoints.yml `configuration_container_update`.
  static let containerUpdate = Schema([
    .type(["object"]), .properties([("node_uuid", uuidReference)]), .required(["node_uuid"]),
    .additionalPropertiesFalse,
  ])
  /// endpoints.yml `configuration_compose`.
  static let compose = Schema([
    .type(["object"]),
    .properties([
      ("applications", Schema([.type(["object"])])), ("deployment", Schema([.type(["object"])])),
    ]),
    .required(["applications", "deployment"]),
    .additionalPropertiesFalse,
  ])
}

/// Python's `uuid.UUID(text)`: strips `urn:`, `uuid:`, braces and hyphens, then needs exactly 32
/// hex digits. Returns the canonical lower-case form, or nil (Python raises ValueError → 500).
func pythonUUID(_ text: String) -> String? {
  var hex = text.replacingOccurrences(of: "urn:", with: "")
    .replacingOccurrences(of: "uuid:", with: "")
  hex = hex.trimmingCharacters(in: CharacterSet(charactersIn: "{}"))
  hex = hex.replacingOccurrences(of: "-", with: "")
  let scalars = Array(hex.unicodeScalars)
  guard scalars.count == 32, scalars.allSatisfy(isHexDigit) else { return nil }
  let lower = hex.lowercased()
  let chars = Array(lower)
  return String(chars[0..<8]) + "-" + String(chars[8..<12]) + "-" + String(chars[12..<16]) + "-"
    + String(chars[16..<20]) + "-" + String(chars[20..<32])
}

import Foundation

/// A structured value: what commands return, what variables hold and what `-o json` prints.
public enum Value: Equatable, Sendable {
  case null
  case bool(Bool)
  case int(Int)
  case double(Double)
  case string(String)
  case list([Value])
  case record(Record)

  /// Reads a field of a record (`$ds.name`) or an element of a list (`$list.0`).
  public subscript(field: String) -> Value? {
    switch self {
    case .record(let r): return r[field]
    case .list(let items):
      if let i = Int(field), i >= 0, i < items.count { return items[i] }
      if field == "length" || field == "count" { return .int(items.count) }
      return nil
    default: return nil
    }
  }

  /// The text a value becomes when it is used as a command argument or interpolated.
  ///
  /// A record that names something (a dataset, a node) becomes that thing's id, so
  /// `wait $ds attached` works on the result of `create`; other records and lists become JSON.
  public var text: String {
    switch self {
    case .null: return ""
    case .bool(let b): return b ? "true" : "false"
    case .int(let i): return String(i)
    case .double(let d): return Value.format(d)
    case .string(let s): return s
    case .list(let items):
      if items.allSatisfy({ if case .record = $0 { return false } else { return true } }) {
        return items.map(\.text).joined(separator: " ")
      }
      return JSON.encode(self, pretty: false)
    case .record(let r):
      if !r.isMap {
        for key in Record.identityKeys { if let v = r[key], case .string(let s) = v { return s } }
      }
      return JSON.encode(self, pretty: false)
    }
  }

  /// Whether `if $x { … }` takes the branch: false for null, false, 0, "", "false" and empty lists.
  public var isTruthy: Bool {
    switch self {
    case .null: return false
    case .bool(let b): return b
    case .int(let i): return i != 0
    case .double(let d): return d != 0
    case .string(let s): return !(s.isEmpty || s == "false" || s == "0")
    case .list(let l): return !l.isEmpty
    case .record: return true
    }
  }

  /// The elements a `for` loop visits: a list's items, or the value itself.
  public var elements: [Value] {
    if case .list(let l) = self { return l }
    if case .null = self { return [] }
    return [self]
  }

  package static func format(_ d: Double) -> String {
    if d.isFinite, d == d.rounded(), abs(d) < 1e15 { return String(Int(d)) }
    return String(d)
  }
}

/// An ordered set of named fields.
public struct Record: Equatable, Sendable {
  /// Field names that identify a record when it is used as a word (`$ds` → its dataset id).
  package static let identityKeys = ["dataset_id", "uuid", "id", "name"]

  public private(set) var fields: [(key: String, value: Value)]
  /// A map of user data (a dataset's metadata) rather than a thing: used as a word it is its
  /// JSON, never an identity (`echo $d.metadata` shows the map, not its 'name' key).
  public var isMap = false

  public init(_ fields: [(String, Value)] = []) {
    self.fields = fields.map { (key: $0.0, value: $0.1) }
  }

  /// A record that is a map of user data (see `isMap`).
  public static func map(_ fields: [(String, Value)]) -> Record {
    var r = Record(fields)
    r.isMap = true
    return r
  }

  public subscript(key: String) -> Value? {
    get { fields.first(where: { $0.key == key })?.value }
    set {
      if let i = fields.firstIndex(where: { $0.key == key }) {
        if let v = newValue { fields[i].value = v } else { fields.remove(at: i) }
      } else if let v = newValue {
        fields.append((key: key, value: v))
      }
    }
  }

  public var keys: [String] { fields.map(\.key) }

  public static func == (a: Record, b: Record) -> Bool {
    a.fields.count == b.fields.count
      && zip(a.fields, b.fields).allSatisfy { $0.key == $1.key && $0.value == $1.value }
  }
}

extension Value: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral,
  ExpressibleByBooleanLiteral
{
  public init(stringLiteral value: String) { self = .string(value) }
  public init(integerLiteral value: Int) { self = .int(value) }
  public init(booleanLiteral value: Bool) { self = .bool(value) }
}

extension Value {
  /// Wraps an optional string: nil becomes `.null`.
  public static func from(_ s: String?) -> Value { s.map(Value.string) ?? .null }
  /// Wraps an optional integer: nil becomes `.null`.
  public static func from(_ i: Int?) -> Value { i.map(Value.int) ?? .null }
}

import Foundation
import FshRuntime

// The executable reads the sandbox's and the control service's JSON through FshJSON (by way of
// the runtime's `JSON.decode`), like every other reader in fsh: these read a decoded value.
extension Value {
  /// Decoded JSON; nil when the bytes are not JSON.
  static func json(_ data: Data) -> Value? { try? JSON.decode([UInt8](data)) }

  var stringValue: String? {
    if case .string(let s) = self { return s }
    return nil
  }

  var intValue: Int? {
    if case .int(let n) = self { return n }
    return nil
  }

  /// A number, whole or not.
  var doubleValue: Double? {
    switch self {
    case .int(let n): return Double(n)
    case .double(let d): return d
    default: return nil
    }
  }

  var boolValue: Bool? {
    if case .bool(let b) = self { return b }
    return nil
  }

  var listValue: [Value]? {
    if case .list(let l) = self { return l }
    return nil
  }

  var recordValue: Record? {
    if case .record(let r) = self { return r }
    return nil
  }
}

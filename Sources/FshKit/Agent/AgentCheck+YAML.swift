// agent.yml read the way the agent reads it: lookups, YAML tags, and values described in messages.
import Foundation
import FshClient
import FshModel
import FshRuntime
import Yams

extension AgentCheck {
  // MARK: - YAML as the agent sees it

  static func lookup(_ m: Yams.Node.Mapping, _ key: String) -> Yams.Node? {
    var found: Yams.Node? = nil
    for (k, v) in m where k.string == key { found = v }
    return found
  }

  static func keys(_ m: Yams.Node.Mapping) -> [String] {
    var seen = Set<String>()
    return m.compactMap { $0.key.string }.filter { seen.insert($0).inserted }
  }

  static func tag(_ n: Yams.Node) -> String { n.tag.rawValue }
  static func isString(_ n: Yams.Node) -> Bool {
    n.scalar != nil && tag(n) == Tag.Name.str.rawValue
  }
  static func isInteger(_ n: Yams.Node) -> Bool {
    n.scalar != nil && tag(n) == Tag.Name.int.rawValue
  }
  static func isBool(_ n: Yams.Node) -> Bool { n.scalar != nil && tag(n) == Tag.Name.bool.rawValue }
  static func isNumber(_ n: Yams.Node) -> Bool {
    n.scalar != nil && (isInteger(n) || tag(n) == Tag.Name.float.rawValue)
  }
  static func isEmpty(_ n: Yams.Node) -> Bool {
    if n.scalar != nil { return tag(n) == Tag.Name.null.rawValue || (n.string ?? "").isEmpty }
    return false
  }

  /// The node's kind, for messages (never its value: it may be a secret).
  static func describe(_ n: Yams.Node) -> String {
    if n.mapping != nil { return "a mapping" }
    if n.sequence != nil { return "a list" }
    switch tag(n) {
    case Tag.Name.str.rawValue: return "a string"
    case Tag.Name.int.rawValue: return "the integer \(n.string ?? "")"
    case Tag.Name.float.rawValue: return "the number \(n.string ?? "")"
    case Tag.Name.bool.rawValue: return "a boolean"
    case Tag.Name.null.rawValue: return "empty"
    default: return "a \(tag(n))"
    }
  }
}

import Foundation
import FshClient
import FshLanguage
import FshModel
import FshRuntime
import Yams

/// A named cluster profile: how to reach one control service. It holds a value per
/// configuration key (the settings table: a new key needs nothing here), written in the file
/// under the key's name (`port` as a number).
package struct Profile: Codable, Equatable, Sendable {
  private var values: [ConfigKey: String] = [:]

  package init() {}

  package subscript(key: ConfigKey) -> String? {
    get { values[key] }
    set {
      if key == .port {
        values[key] = newValue.flatMap(Int.init).map(String.init)
      } else {
        values[key] = newValue
      }
    }
  }

  package var host: String? {
    get { self[.host] }
    set { self[.host] = newValue }
  }
  package var port: Int? {
    get { self[.port].flatMap(Int.init) }
    set { self[.port] = newValue.map(String.init) }
  }
  package var certs: String? {
    get { self[.certs] }
    set { self[.certs] = newValue }
  }
  package var user: String? {
    get { self[.user] }
    set { self[.user] = newValue }
  }
  package var ca: String? { self[.ca] }

  private struct Key: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
  }

  package init(from decoder: Decoder) throws {
    let c = try decoder.container(keyedBy: Key.self)
    for key in ConfigKey.allCases {
      let k = Key(stringValue: key.rawValue)
      if key == .port {
        values[key] = try c.decodeIfPresent(Int.self, forKey: k).map(String.init)
      } else {
        values[key] = try c.decodeIfPresent(String.self, forKey: k)
      }
    }
  }

  package func encode(to encoder: Encoder) throws {
    var c = encoder.container(keyedBy: Key.self)
    for key in ConfigKey.allCases {
      guard let v = values[key] else { continue }
      let k = Key(stringValue: key.rawValue)
      if key == .port, let n = Int(v) {
        try c.encode(n, forKey: k)
      } else {
        try c.encode(v, forKey: k)
      }
    }
  }
}

/// The profiles file, `$XDG_CONFIG_HOME/fsh/clusters.yml`:
///
///     default: prod
///     clusters:
///       prod:
///         host: control.example.com
///         certs: /etc/flocker
///         user: alice
package struct ProfilesFile: Codable, Equatable, Sendable {
  package var defaultCluster: String?
  package var clusters: [String: Profile] = [:]

  enum CodingKeys: String, CodingKey {
    case defaultCluster = "default"
    case clusters
  }

  package init() {}

  /// Parses the file's text; unknown keys are errors, so that a typo is not silently ignored.
  package static func parse(_ text: String) throws -> ProfilesFile {
    let node: Yams.Node?
    do {
      node = try Yams.compose(yaml: text)
    } catch {
      throw Diagnostic("invalid YAML: \(YAMLDocuments.describe(error))", code: .configuration)
    }
    guard let node else { return ProfilesFile() }
    guard let top = node.mapping else {
      throw Diagnostic("expected a mapping with 'clusters:' at the top", code: .configuration)
    }
    for (k, _) in top {
      guard let key = k.string, ["default", "clusters"].contains(key) else {
        throw Diagnostic(
          "unknown key '\(k.string ?? "?")' at line \(k.mark?.line ?? 0)", code: .configuration)
      }
    }
    if let clusters = top["clusters"]?.mapping {
      let known = Set(ConfigKey.allCases.map(\.rawValue))
      for (name, value) in clusters {
        guard let fields = value.mapping else {
          throw Diagnostic(
            "cluster '\(name.string ?? "?")' at line \(name.mark?.line ?? 0) is not a mapping",
            code: .configuration)
        }
        for (k, _) in fields where !known.contains(k.string ?? "") {
          throw Diagnostic(
            "unknown key '\(k.string ?? "?")' in cluster '\(name.string ?? "?")' at line "
              + "\(k.mark?.line ?? 0)", code: .configuration,
            notes: ["known keys: \(ConfigKey.allCases.map(\.rawValue).joined(separator: ", "))"])
        }
      }
    }
    do {
      return try YAMLDecoder().decode(ProfilesFile.self, from: text)
    } catch {
      throw Diagnostic("\(YAMLDocuments.describe(error))", code: .configuration)
    }
  }

  /// The file's text.
  package func serialized() throws -> String {
    let encoder = YAMLEncoder()
    encoder.options.sortKeys = true
    return "# fsh cluster profiles: edit with `cluster add` and `cluster remove`\n"
      + (try encoder.encode(self))
  }
}

/// Small readers for flockerctl's and Flocker's YAML files.
enum YAMLDocuments {
  static func load(_ text: String) throws -> Yams.Node? {
    do {
      return try Yams.compose(yaml: text)
    } catch {
      throw Diagnostic("invalid YAML: \(describe(error))", code: .configuration)
    }
  }

  /// Reads a list of strings under a top-level key (`users:` in cluster.yml).
  static func stringList(_ text: String, key: String) throws -> [String] {
    guard let node = try load(text)?.mapping?[key] else {
      throw Diagnostic("no '\(key)' key", code: .configuration)
    }
    if let s = node.string { return [s] }
    guard let seq = node.sequence else {
      throw Diagnostic("'\(key)' is not a list", code: .configuration)
    }
    return seq.compactMap { $0.string ?? $0.mapping?["name"]?.string }
  }

  /// Reads a nested string (`control-service.hostname` in agent.yml).
  static func string(_ text: String, path: [String]) throws -> String? {
    var node = try load(text)
    for key in path { node = node?.mapping?[key] }
    return node?.string
  }

  static func describe(_ error: Error) -> String {
    if let e = error as? YamlError {
      return "\(e)".split(separator: "\n").first.map(String.init) ?? "\(e)"
    }
    if let e = error as? DecodingError {
      switch e {
      case .typeMismatch(_, let c), .valueNotFound(_, let c), .keyNotFound(_, let c),
        .dataCorrupted(let c):
        let path = c.codingPath.map(\.stringValue).joined(separator: ".")
        return path.isEmpty ? c.debugDescription : "'\(path)': \(c.debugDescription)"
      @unknown default: return "\(e)"
      }
    }
    return "\(error)"
  }
}

import Foundation
import FshClient
import FshLanguage
import FshModel
import FshRuntime
import Yams

/// A named cluster profile: how to reach one control service.
package struct Profile: Codable, Equatable, Sendable {
  package var host: String?
  package var port: Int?
  package var certs: String?
  package var user: String?
  package var ca: String?
  package var cert: String?
  package var key: String?

  package init() {}

  package subscript(key: ConfigKey) -> String? {
    get {
      switch key {
      case .host: return host
      case .port: return port.map(String.init)
      case .certs: return certs
      case .user: return user
      case .ca: return ca
      case .cert: return cert
      case .key: return self.key
      }
    }
    set {
      switch key {
      case .host: host = newValue
      case .port: port = newValue.flatMap(Int.init)
      case .certs: certs = newValue
      case .user: user = newValue
      case .ca: ca = newValue
      case .cert: cert = newValue
      case .key: self.key = newValue
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

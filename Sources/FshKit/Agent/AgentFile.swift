import Foundation
import FshLanguage
import FshRuntime

/// A new `agent.yml`: the control service and the dataset backend with its settings.
package struct AgentFile: Sendable {
  package var hostname: String
  package var port: Int = AgentFacts.agentPort
  package var backend: String
  /// Dataset keys in the order given, values as typed on the command line.
  package var settings: [(String, String)]

  package init(hostname: String, backend: String, settings: [(String, String)]) {
    self.hostname = hostname
    self.backend = backend
    self.settings = settings
  }

  /// Checks the settings against the backend: keys the factory takes, values of the right type,
  /// and the host. Returns the required (and, for OpenStack, authentication) keys still missing.
  package func validate() throws -> [String] {
    if let problem = AgentFacts.hostnameProblem(hostname) {
      throw Diagnostic(
        "cannot write agent.yml: \(problem.what)", code: .configuration,
        notes: [problem.fix + ": `set host NAME` in the session, or --host"])
    }
    guard let b = AgentFacts.backend(backend) else {
      throw Diagnostic.usage(
        "unknown backend '\(backend)'",
        notes: ["built-ins: \(AgentFacts.backendNames.joined(separator: ", "))"])
    }
    let authPlugin = value("auth_plugin") ?? "password"
    let known =
      backend == "openstack" ? AgentFacts.openstackKeys(authPlugin: authPlugin) : b.keyNames
    var seen = Set<String>()
    for (k, v) in settings {
      guard seen.insert(k).inserted else {
        throw Diagnostic.usage("'\(k)' is given twice")
      }
      if k == "backend" || k == "cluster_id" {
        throw Diagnostic.usage(
          "'\(k)' is not a key to give: "
            + (k == "backend" ? "use --backend" : "the agent passes cluster_id itself"))
      }
      if let known, !known.contains(k) {
        var notes = ["\(backend) takes: \(known.joined(separator: ", "))"]
        if let near = Suggest.nearest(k, in: known) {
          notes.insert("did you mean '\(near)'?", at: 0)
        }
        throw Diagnostic.usage(
          "'\(k)' is not a key of the \(backend) backend"
            + (b.ignoresUnknownKeys
              ? " (the agent would ignore it)" : " (the agent would not start)"),
          notes: notes)
      }
      switch b.type(of: k) {
      case .bool where Self.bool(v) == nil:
        throw Diagnostic.usage("'\(k)' takes true or false")
      case .integer where Int(v) == nil:
        throw Diagnostic.usage("'\(k)' takes a whole number")
      default: break
      }
    }
    let required = b.required + AgentFacts.neededKeys(backend: backend, authPlugin: authPlugin)
    return required.filter { k in
      (value(k) ?? "").isEmpty && !(k == "username" && value("user_id") != nil)
    }
  }

  package func value(_ key: String) -> String? { settings.last { $0.0 == key }?.1 }

  /// The file's text: JSON-style double-quoted strings, so no value is mistaken for another type.
  package var text: String {
    var out = """
      # Flocker agent configuration, written by fsh (`agent init`); check it with `agent check`.
      # The agent reaches the control service on the agent port 4524 (4523 is the REST API's).
      version: 1
      control-service:
        hostname: \(Self.quote(hostname))
        port: \(port)
      dataset:
        backend: \(Self.quote(backend))

      """
    let type = AgentFacts.backend(backend)
    for (k, v) in settings where !v.isEmpty {
      let rendered: String
      switch type?.type(of: k) {
      case .bool: rendered = Self.bool(v).map { $0 ? "true" : "false" } ?? Self.quote(v)
      case .integer: rendered = Int(v).map(String.init) ?? Self.quote(v)
      default: rendered = Self.quote(v)
      }
      out += "  \(k): \(rendered)\n"
    }
    return out
  }

  static func bool(_ s: String) -> Bool? {
    switch s.lowercased() {
    case "true", "yes", "on", "1": return true
    case "false", "no", "off", "0": return false
    default: return nil
    }
  }

  /// A YAML double-quoted scalar.
  static func quote(_ s: String) -> String {
    var out = "\""
    for u in s.unicodeScalars {
      switch u {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\t": out += "\\t"
      case "\r": out += "\\r"
      default:
        if u.value < 0x20 || u.value == 0x7f {
          out += String(format: "\\x%02x", u.value)
        } else {
          out.unicodeScalars.append(u)
        }
      }
    }
    return out + "\""
  }
}

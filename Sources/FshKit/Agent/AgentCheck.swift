import Foundation
import FshClient
import FshModel
import FshRuntime
import Yams

/// One result of `agent check`: what was found and how to fix it.
package struct AgentFinding: Equatable, Sendable {
  /// pass: as the agent wants it; warn: works, but probably not as meant; fail: the agent
  /// refuses to start, crashes, or runs wrongly.
  package enum Level: String, Sendable { case pass, warn, fail }

  package var level: Level
  /// Where: `version`, `control-service.port`, `dataset.region`, `file`.
  package var key: String
  package var what: String
  /// The fix; empty for a pass.
  package var fix: String

  package init(_ level: Level, _ key: String, _ what: String, fix: String = "") {
    self.level = level
    self.key = key
    self.what = what
    self.fix = fix
  }

  package var value: Value {
    .record(
      Record([
        ("level", .string(level.rawValue)), ("key", .string(key)), ("what", .string(what)),
        ("fix", .string(fix)),
      ]))
  }
}

/// Checks an `agent.yml` the way the dataset agent reads it (yaml.safe_load, the draft-4 schema
/// of `validate_configuration`, the backend factory's keyword arguments) and for what the agent
/// silently gets wrong. Never shows the value of a dataset key other than backend, region, zone.
package struct AgentCheck {
  package private(set) var findings: [AgentFinding] = []
  /// The backend named, when there is one.
  package private(set) var backend: String?
  /// The control-service hostname, when it is a string.
  package private(set) var hostname: String?
  let path: String

  /// - Parameters:
  ///   - text: the file's contents.
  ///   - path: for the `chmod` fix.
  ///   - mode: the file's permission bits, when it is a file.
  package init(text: String, path: String, mode: mode_t? = nil) {
    self.path = path
    run(text, mode: mode)
  }

  package var errors: [AgentFinding] { findings.filter { $0.level == .fail } }
  package var warnings: [AgentFinding] { findings.filter { $0.level == .warn } }

  mutating func add(_ level: AgentFinding.Level, _ key: String, _ what: String, fix: String = "") {
    findings.append(AgentFinding(level, key, what, fix: fix))
  }

  private mutating func run(_ text: String, mode: mode_t?) {
    let root: Yams.Node?
    do {
      root = try Yams.compose(yaml: text)
    } catch YamlError.duplicatedKeysInMapping(let keys, let context) {
      // PyYAML keeps the last of duplicate keys without a word; Yams refuses to parse them.
      add(
        .fail, "yaml",
        "\(keys.map { "'\($0)'" }.joined(separator: ", ")) appears twice in one mapping "
          + "(line \(context.mark.line)): the agent silently uses the last one",
        fix: "keep one of each key")
      return
    } catch {
      add(
        .fail, "yaml", "not valid YAML: \(YAMLDocuments.describe(error))",
        fix: "fix the syntax: the agent parses the file with yaml.safe_load and does not start")
      return
    }
    guard let root else {
      add(.fail, "file", "the file is empty", fix: "write one with `agent init --backend BACKEND`")
      return
    }
    guard let top = root.mapping else {
      add(
        .fail, "file", "the top level is not a mapping",
        fix: "start with `version: 1`, then `control-service:` and `dataset:`")
      return
    }
    unknownKeys(in: top, known: AgentFacts.topLevelKeys, prefix: "")
    checkVersion(Self.lookup(top, "version"))
    checkControlService(Self.lookup(top, "control-service"))
    let secrets = checkDataset(Self.lookup(top, "dataset"))
    if let logging = Self.lookup(top, "logging"), logging.mapping == nil {
      add(
        .fail, "logging", "'logging' must be a mapping (a logging.config.dictConfig dictionary)",
        fix: "remove 'logging' or make it a mapping with `version: 1`")
    }
    checkMode(mode, secrets: secrets)
  }

  // MARK: - Sections

  private mutating func checkVersion(_ node: Yams.Node?) {
    guard let node else {
      add(.fail, "version", "'version' is missing", fix: "add `version: 1` at the top")
      return
    }
    if Self.isNumber(node), Double(node.string ?? "") == 1 {
      add(.pass, "version", "version 1")
    } else {
      add(
        .fail, "version",
        "'version' is \(Self.describe(node)); the agent accepts only the number 1",
        fix: "write `version: 1` (a number, not quoted)")
    }
  }

  private mutating func checkControlService(_ node: Yams.Node?) {
    let key = "control-service"
    guard let node else {
      add(
        .fail, key, "'control-service' is missing",
        fix: "add `control-service: {hostname: CONTROL-HOST, port: 4524}`")
      return
    }
    guard let cs = node.mapping else {
      add(
        .fail, key, "'control-service' must be a mapping, not \(Self.describe(node))",
        fix: "write `control-service: {hostname: CONTROL-HOST, port: 4524}`")
      return
    }
    unknownKeys(in: cs, known: AgentFacts.controlServiceKeys, prefix: "control-service.")
    if let h = Self.lookup(cs, "hostname") {
      if Self.isString(h), let host = h.string {
        hostname = host
        if let problem = AgentFacts.hostnameProblem(host) {
          add(.fail, "control-service.hostname", problem.what, fix: problem.fix)
        } else {
          add(.pass, "control-service.hostname", "control service '\(host)'")
        }
      } else {
        add(
          .fail, "control-service.hostname",
          "'control-service.hostname' must be a string, not \(Self.describe(h))",
          fix: "quote it: `hostname: \"\(h.string ?? "HOST")\"`")
      }
    } else {
      add(
        .fail, "control-service.hostname", "'control-service.hostname' is missing",
        fix: "add `hostname: CONTROL-HOST` under control-service (never localhost)")
    }
    checkPort(Self.lookup(cs, "port"))
  }

  private mutating func checkPort(_ node: Yams.Node?) {
    let key = "control-service.port"
    guard let node else {
      add(.pass, key, "port not set: the agent uses \(AgentFacts.agentPort)")
      return
    }
    guard Self.isInteger(node), let port = node.int else {
      add(
        .fail, key, "'control-service.port' must be an integer, not \(Self.describe(node))",
        fix: "write `port: \(AgentFacts.agentPort)` without quotes")
      return
    }
    switch port {
    case AgentFacts.agentPort:
      add(.pass, key, "agent port \(port)")
    case AgentFacts.apiPort:
      add(
        .fail, key,
        "port \(port) is the REST API port; agents talk to the control service on "
          + "\(AgentFacts.agentPort)",
        fix: "set `port: \(AgentFacts.agentPort)` (or leave it out)")
    case 1...65535:
      add(
        .warn, key, "port \(port) is not the agent port \(AgentFacts.agentPort)",
        fix: "right only if the control service runs with --agent-port \(port)")
    default:
      add(
        .fail, key, "port \(port) is not a TCP port",
        fix: "set `port: \(AgentFacts.agentPort)` (or leave it out)")
    }
  }

  /// Returns the names of the secret keys that have a value.
  private mutating func checkDataset(_ node: Yams.Node?) -> [String] {
    guard let node else {
      add(
        .fail, "dataset", "'dataset' is missing",
        fix: "add `dataset: {backend: BACKEND, …}`; `agent init --backend BACKEND` writes one")
      return []
    }
    guard let ds = node.mapping else {
      add(
        .fail, "dataset", "'dataset' must be a mapping, not \(Self.describe(node))",
        fix: "write `dataset: {backend: BACKEND, …}`")
      return []
    }
    let keys = Self.keys(ds)
    let secrets = keys.filter { k in
      AgentFacts.isSecret(k) && !(Self.lookup(ds, k).map(Self.isEmpty) ?? true)
    }
    guard let b = Self.lookup(ds, "backend") else {
      add(
        .fail, "dataset.backend", "'dataset.backend' is missing",
        fix: "add `backend:` with one of \(AgentFacts.backendNames.joined(separator: ", "))")
      return secrets
    }
    guard Self.isString(b), let name = b.string else {
      add(
        .fail, "dataset.backend", "'dataset.backend' must be a string, not \(Self.describe(b))",
        fix: "use one of \(AgentFacts.backendNames.joined(separator: ", "))")
      return secrets
    }
    backend = name
    guard let backend = AgentFacts.backend(name) else {
      if name.contains(".") {
        add(
          .warn, "dataset.backend",
          "backend '\(name)' is a third-party plugin: its keys are not checked here",
          fix: "make sure the Python module '\(name)' is installed on every node")
      } else {
        let near =
          AgentFacts.backendAliases[name.lowercased()]
          ?? Suggest.nearest(name, in: AgentFacts.backendNames)
        add(
          .fail, "dataset.backend",
          "'\(name)' is neither a built-in plugin nor a 3rd party module "
            + "(the agent does not start)",
          fix: (near.map { "did you mean '\($0)'? " } ?? "")
            + "built-ins: \(AgentFacts.backendNames.joined(separator: ", "))")
      }
      return secrets
    }
    add(.pass, "dataset.backend", "backend '\(name)': \(backend.summary)")
    checkBackendKeys(backend, ds)
    return secrets
  }

  private mutating func checkBackendKeys(_ backend: AgentFacts.Backend, _ ds: Yams.Node.Mapping) {
    let name = backend.name
    let keys = Self.keys(ds).filter { $0 != "backend" }
    var missing: [String] = []
    for k in backend.required {
      guard let v = Self.lookup(ds, k) else {
        missing.append(k)
        add(
          .fail, "dataset.\(k)", "Configuration error: Required key \(k) is missing.",
          fix:
            "add `\(k): …` under dataset (\(name) requires "
            + "\(backend.required.joined(separator: ", ")))"
        )
        continue
      }
      if Self.isEmpty(v) {
        missing.append(k)
        add(.fail, "dataset.\(k)", "'dataset.\(k)' is empty", fix: "give '\(k)' a value")
      }
    }
    if !backend.required.isEmpty && missing.isEmpty {
      add(.pass, "dataset", "required keys present: \(backend.required.joined(separator: ", "))")
    }
    if keys.contains("cluster_id") {
      add(
        .fail, "dataset.cluster_id",
        "'cluster_id' is passed by the agent itself: a 'cluster_id' key stops it at start "
          + "(TypeError: multiple values)", fix: "remove 'cluster_id' from dataset")
    }
    // Which keys the factory takes.
    let authPlugin =
      name == "openstack" ? (Self.lookup(ds, "auth_plugin")?.string ?? "password") : ""
    let known: [String]?
    if name == "openstack" {
      known = AgentFacts.openstackKeys(authPlugin: authPlugin)
      if known == nil {
        add(
          .warn, "dataset.auth_plugin",
          "auth_plugin '\(authPlugin)' is loaded from keystoneclient: "
            + "its keys are not checked here",
          fix: "keys that are not options of that plugin are ignored by the agent")
      }
    } else {
      known = backend.keyNames
    }
    for k in keys where k != "cluster_id" {
      guard let known, !known.contains(k) else { continue }
      let near = Suggest.nearest(k, in: known).map { "did you mean '\($0)'? " } ?? ""
      if backend.ignoresUnknownKeys {
        add(
          .warn, "dataset.\(k)",
          "'\(k)' is not an option of the \(name) '\(authPlugin)' auth plugin: "
            + "the agent ignores it",
          fix: near + "otherwise remove it")
      } else {
        add(
          .fail, "dataset.\(k)",
          "'\(k)' is not a parameter of the \(name) backend: the agent stops at start "
            + "(TypeError: unexpected keyword argument)",
          fix: near + "\(name) takes: \(known.joined(separator: ", "))")
      }
    }
    for (k, type) in backend.keys {
      guard let v = Self.lookup(ds, k), !Self.isEmpty(v) else { continue }
      switch type {
      case .bool where !Self.isBool(v):
        add(
          .warn, "dataset.\(k)", "'\(k)' is \(Self.describe(v)), not true or false",
          fix: "write `\(k): true` or `\(k): false` without quotes")
      case .integer where !Self.isInteger(v):
        add(
          .warn, "dataset.\(k)", "'\(k)' is \(Self.describe(v)), not an integer",
          fix: "write a number without quotes")
      default: break
      }
    }
    for k in AgentFacts.neededKeys(backend: name, authPlugin: authPlugin)
    where Self.lookup(ds, k).map(Self.isEmpty) ?? true {
      if k == "username" && Self.lookup(ds, "user_id") != nil { continue }
      add(
        .warn, "dataset.\(k)",
        "'\(k)' is missing: the agent starts but cannot authenticate to Keystone",
        fix: "add `\(k): …` under dataset")
    }
    if name == "openstack", let v = Self.lookup(ds, "verify_peer"), v.bool == false {
      add(
        .warn, "dataset.verify_peer",
        "verify_peer is false: Keystone's and Cinder's TLS "
          + "certificates are not verified",
        fix: "remove it; for a private CA set verify_ca_path to its bundle")
    }
    if name == "aws", let region = Self.lookup(ds, "region")?.string,
      let zone = Self.lookup(ds, "zone")?.string, !region.isEmpty, !zone.isEmpty,
      !zone.hasPrefix(region)
    {
      add(
        .warn, "dataset.zone", "zone '\(zone)' is not in region '\(region)'",
        fix: "use an availability zone of \(region), such as \(region)a")
    }
    if name == "loopback" {
      add(
        .warn, "dataset.backend", "loopback is for internal testing: no data moves between nodes",
        fix: "use a real backend (openstack, aws, gce) for anything but a test")
    }
    if name == "zfs" {
      add(
        .warn, "dataset.backend",
        "zfs is not supported by Flocker and needs root SSH between nodes "
          + "(/etc/flocker/id_rsa_flocker)",
        fix: "use a block-device backend (openstack, aws, gce) unless you know you need zfs")
    }
  }

  private mutating func checkMode(_ mode: mode_t?, secrets: [String]) {
    guard let mode else { return }
    let octal = String(format: "%04o", Int(mode & 0o7777))
    let names = secrets.map { "'\($0)'" }.joined(separator: ", ")
    if secrets.isEmpty {
      add(.pass, "file", "no secrets in the file (mode \(octal))")
    } else if mode & 0o004 != 0 {
      add(
        .fail, "file", "the file holds secrets (\(names)) and everyone can read it (mode \(octal))",
        fix: "chmod 0600 \(shellQuote(path))")
    } else if mode & 0o040 != 0 {
      add(
        .warn, "file",
        "the file holds secrets (\(names)) and its group can read it (mode \(octal))",
        fix: "chmod 0600 \(shellQuote(path))")
    } else {
      add(.pass, "file", "secrets (\(names)) readable only by the owner (mode \(octal))")
    }
  }

  private mutating func unknownKeys(in m: Yams.Node.Mapping, known: [String], prefix: String) {
    for (k, _) in m {
      let name = k.string ?? "?"
      guard !known.contains(name) else { continue }
      let near = Suggest.nearest(name, in: known).map { "did you mean '\(prefix)\($0)'? " } ?? ""
      add(
        .warn, prefix + name, "unknown key '\(prefix)\(name)' is ignored by the agent",
        fix: near + "known: \(known.joined(separator: ", "))")
    }
  }
}

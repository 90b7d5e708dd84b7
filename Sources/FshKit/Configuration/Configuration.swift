/// A setting that names the control service or the files used to reach it.
public enum ConfigKey: String, CaseIterable, Sendable {
  case host, port, certs, user, ca, cert, key

  /// What the setting means, for `config` and `help set`.
  public var summary: String {
    switch self {
    case .host: return "control service host name or IP"
    case .port: return "control service REST API port"
    case .certs: return "directory holding cluster.crt and the user's certificate and key"
    case .user: return "API user: selects <certs>/<user>.crt and <user>.key"
    case .ca: return "cluster CA certificate (trust anchor)"
    case .cert: return "API user certificate (CN user-…)"
    case .key: return "API user private key"
    }
  }
}

/// Where a resolved value came from, shown by `config` like `git config --show-origin`.
public enum ConfigSource: Equatable, Sendable, CustomStringConvertible {
  case builtin
  case profile(String)
  case file(String)
  case environment(String)
  case flag(String)
  case set
  /// Computed from other settings (`<certs>/cluster.crt`); the string says from what.
  case derived(String)
  /// Found by looking in the certs directory.
  case discovered(String)

  /// Precedence: a higher layer overrides a lower one.
  var layer: Int {
    switch self {
    case .builtin: return 0
    case .profile: return 1
    case .file: return 2
    case .environment: return 3
    case .flag: return 4
    case .set: return 5
    case .derived, .discovered: return -1
    }
  }

  public var description: String {
    switch self {
    case .builtin: return "default"
    case .profile(let name): return "profile \(name)"
    case .file(let path): return path
    case .environment(let name): return "env \(name)"
    case .flag(let name): return "flag \(name)"
    case .set: return "set"
    case .derived(let why): return why
    case .discovered(let dir): return "found in \(dir)"
    }
  }
}

/// One resolved setting and its origin.
public struct ConfigValue: Equatable, Sendable {
  public var value: String
  public var source: ConfigSource
  /// The precedence layer the value counts at (derived values take their inputs' layer).
  var layer: Int
}

/// The session's resolved connection settings, with provenance, warnings and errors.
public struct Configuration: Sendable {
  /// The cluster profile in effect, and why.
  public var cluster: ConfigValue?
  public var values: [ConfigKey: ConfigValue] = [:]
  /// Problems that do not stop a connection attempt (dialects disagree, an ignored empty variable).
  public var warnings: [String] = []
  /// Problems that do (a malformed profiles file, a non-numeric port); each names its file or variable.
  public var errors: [Diagnostic] = []
  /// Where the profiles file is (whether or not it exists).
  public var profilesPath: String = ""
  /// Sources that were set but not used, and why: `(what, why)`, such as
  /// `("env FLOCKER_CONTROL_SERVICE_HOST=10.0.0.5", "cluster 'lab2' was chosen with `use cluster`")`.
  public var ignored: [(what: String, why: String)] = []

  public subscript(key: ConfigKey) -> String? { values[key]?.value }

  public var host: String? { self[.host] }
  public var port: Int { self[.port].flatMap(Int.init) ?? 4523 }
}

/// Everything configuration resolution reads, passed in so that resolution is a pure function.
public struct ConfigurationInputs {
  /// The process environment.
  public var environment: [String: String] = [:]
  /// The directory relative paths are resolved against (and where `./cluster.yml` is looked for).
  public var workingDirectory: String = "/"
  /// The profiles file's path, and its text when it exists.
  public var profilesPath: String = ""
  public var profilesText: String?
  /// The profile selected by `use cluster` (`.set`) or `--cluster` (`.flag`).
  public var selectedCluster: (name: String, source: ConfigSource)?
  /// `--host`, `--port`, … as given on the command line.
  public var flags: [ConfigKey: String] = [:]
  /// Values given with `set` in the session.
  public var sets: [ConfigKey: String] = [:]
  /// Reads a file's text (`cluster.yml`, `agent.yml`); nil when it does not exist.
  public var readFile: (String) -> String? = { _ in nil }
  /// Lists a directory's entries; nil when it does not exist or cannot be read.
  public var listDirectory: (String) -> [String]? = { _ in nil }
  /// Returns the subject common name of the first certificate in a PEM file.
  public var certificateCommonName: (String) -> String? = { _ in nil }

  public init() {}

  /// The command-line flag for each key.
  public static let flagNames: [ConfigKey: String] = [
    .host: "--host", .port: "--port", .certs: "--certs", .user: "--user", .ca: "--ca",
    .cert: "--cert", .key: "--key",
  ]
}

extension Configuration {
  /// Kubernetes / docker-multinode variables (the kubelet's dialect).
  static let kubernetesVariables: [(String, ConfigKey)] = [
    ("FLOCKER_CONTROL_SERVICE_HOST", .host), ("FLOCKER_CONTROL_SERVICE_PORT", .port),
    ("FLOCKER_USER_CA_DIR", .certs), ("FLOCKER_CONTROL_SERVICE_CA_FILE", .ca),
    ("FLOCKER_CONTROL_SERVICE_CLIENT_CERT_FILE", .cert),
    ("FLOCKER_CONTROL_SERVICE_CLIENT_KEY_FILE", .key),
  ]
  /// flockerctl's variables.
  static let flockerctlVariables: [(String, ConfigKey)] = [
    ("FLOCKER_CONTROL_SERVICE", .host), ("FLOCKER_CERTS_PATH", .certs), ("FLOCKER_USER", .user),
  ]
  /// Every variable resolution reads, for documentation and `config`.
  public static var environmentVariables: [String] {
    (kubernetesVariables + flockerctlVariables).map(\.0) + ["MASTER_IP", "FSH_CLUSTER"]
  }

  /// Resolves the configuration from its sources, lowest precedence first: built-in defaults,
  /// the selected profile, flockerctl's files (`./cluster.yml`, `<certs>/agent.yml`), the
  /// environment (both dialects), flags, and `set`.
  ///
  /// When the Kubernetes and flockerctl variables disagree, the Kubernetes ones win (they are
  /// what the kubelet reads) and a warning says so. A variable that is set but empty counts as
  /// unset. When no user is named, the certs directory is searched for `<name>.crt` files whose
  /// subject CN starts with `user-` and that have a `<name>.key`; the first by name is taken.
  public static func resolve(_ inputs: ConfigurationInputs) -> Configuration {
    var resolver = Resolver(inputs: inputs)
    return resolver.run()
  }
}

private struct Resolver {
  let inputs: ConfigurationInputs
  var config = Configuration()
  /// Explicit candidates per key, in ascending precedence.
  var candidates: [ConfigKey: [ConfigValue]] = [:]

  init(inputs: ConfigurationInputs) {
    self.inputs = inputs
    config.profilesPath = inputs.profilesPath
  }

  mutating func offer(_ key: ConfigKey, _ raw: String?, _ source: ConfigSource) {
    guard let raw, !raw.isEmpty else { return }
    var value = raw
    if [.certs, .ca, .cert, .key].contains(key) { value = absolute(raw) }
    candidates[key, default: []].append(
      ConfigValue(value: value, source: source, layer: source.layer))
  }

  func absolute(_ path: String) -> String {
    Paths.absolute(path, relativeTo: inputs.workingDirectory, home: inputs.environment["HOME"])
  }

  /// The highest-layer candidate; at equal layers the one offered last.
  func best(_ key: ConfigKey) -> ConfigValue? {
    var result: ConfigValue? = nil
    for c in candidates[key] ?? [] where c.layer >= (result?.layer ?? -1) { result = c }
    return result
  }

  /// Resolution order. A cluster chosen explicitly (`use cluster`, `--cluster`) takes its
  /// whole connection from its profile: the ambient sources (the environment, flockerctl's
  /// files) are then ignored, and after `use cluster` the start-up flags too; `config` lists
  /// what was ignored and why.
  mutating func run() -> Configuration {
    offer(.certs, "/etc/flocker", .builtin)
    offer(.port, "4523", .builtin)
    loadProfile()
    let chosen = inputs.selectedCluster
    if let chosen {
      ignoreAmbient(because: chosen)
    } else {
      loadClusterYAML()
      loadEnvironment()
    }
    let flagsIgnored: Bool
    if let chosen, case .set = chosen.source { flagsIgnored = true } else { flagsIgnored = false }
    for (key, value) in inputs.flags.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
      let flag = ConfigurationInputs.flagNames[key] ?? key.rawValue
      if flagsIgnored {
        config.ignored.append(
          ("flag \(flag) \(value)", "cluster '\(chosen!.name)' was chosen with `use cluster`"))
      } else {
        offer(key, value, .flag(flag))
      }
    }
    for (key, value) in inputs.sets { offer(key, value, .set) }
    portFollowsHost()
    for key in [ConfigKey.host, .port, .certs, .user, .ca, .cert, .key] {
      if let v = best(key) { config.values[key] = v }
    }
    let certs = config.values[.certs]!
    if chosen == nil { loadAgentYAML(certsDir: certs.value) }
    if config.values[.user] == nil { discoverUser(in: certs) }
    derive()
    check()
    return config
  }

  // MARK: - Profiles

  mutating func loadProfile() {
    var selected = inputs.selectedCluster
    var file: ProfilesFile? = nil
    if let text = inputs.profilesText {
      do {
        file = try ProfilesFile.parse(text)
      } catch let d as Diagnostic {
        config.errors.append(
          Diagnostic(
            "cannot read profiles file '\(inputs.profilesPath)': \(d.message)",
            code: .configuration,
            notes: ["fix or remove the file; `cluster add` rewrites it"]))
      } catch {
        config.errors.append(
          Diagnostic(
            "cannot read profiles file '\(inputs.profilesPath)': \(error)", code: .configuration))
      }
    }
    if selected == nil, let env = inputs.environment["FSH_CLUSTER"], !env.isEmpty {
      selected = (env, .environment("FSH_CLUSTER"))
    }
    if selected == nil, let d = file?.defaultCluster {
      selected = (d, .file(inputs.profilesPath))
    }
    guard let (name, source) = selected else { return }
    config.cluster = ConfigValue(value: name, source: source, layer: source.layer)
    guard let profile = file?.clusters[name] else {
      let known = file?.clusters.keys.sorted() ?? []
      var notes = ["`cluster add \(name) host HOST …` creates it"]
      if let near = Suggest.nearest(name, in: known) {
        notes.insert("did you mean '\(near)'?", at: 0)
      }
      config.errors.append(
        Diagnostic(
          "no cluster profile '\(name)' in '\(inputs.profilesPath)'", code: .configuration,
          notes: notes))
      return
    }
    for key in ConfigKey.allCases {
      offer(key, profile[key], .profile(name))
    }
  }

  /// Records the ambient settings that an explicitly chosen cluster overrides.
  mutating func ignoreAmbient(because chosen: (name: String, source: ConfigSource)) {
    let how: String
    switch chosen.source {
    case .set: how = "`use cluster`"
    case .flag(let f): how = f
    default: how = "\(chosen.source)"
    }
    let why = "cluster '\(chosen.name)' was chosen with \(how)"
    let env = inputs.environment
    for name in Configuration.environmentVariables where name != "FSH_CLUSTER" {
      if let v = env[name], !v.isEmpty { config.ignored.append(("env \(name)=\(v)", why)) }
    }
    let clusterYAML = Paths.join(inputs.workingDirectory, "cluster.yml")
    if inputs.readFile(clusterYAML) != nil { config.ignored.append((clusterYAML, why)) }
  }

  /// A host given with `--host` or `set host` brings its own port: the one written as
  /// `HOST:PORT`, or 4523, never a port from a lower source (a profile, the environment).
  mutating func portFollowsHost() {
    guard let host = best(.host), host.layer >= ConfigSource.flag("").layer else { return }
    let v = host.value
    if v.filter({ $0 == ":" }).count == 1, let colon = v.lastIndex(of: ":"),
      let p = Int(v[v.index(after: colon)...]), !v[..<colon].isEmpty
    {
      candidates[.host]?.append(
        ConfigValue(value: String(v[..<colon]), source: host.source, layer: host.layer))
      candidates[.port, default: []].append(
        ConfigValue(value: String(p), source: host.source, layer: host.layer))
      return
    }
    if let port = best(.port), port.layer >= host.layer { return }
    candidates[.port, default: []].append(
      ConfigValue(
        value: "4523", source: .derived("default: \(host.source) named no port"),
        layer: host.layer))
  }

  // MARK: - flockerctl files

  mutating func loadClusterYAML() {
    let path = Paths.join(inputs.workingDirectory, "cluster.yml")
    guard let text = inputs.readFile(path) else { return }
    do {
      let users = try YAMLDocuments.stringList(text, key: "users")
      let dir = inputs.workingDirectory
      offer(.certs, dir, .file(path))
      if let first = users.first { offer(.user, first, .file(path)) }
    } catch {
      config.errors.append(
        Diagnostic(
          "cannot read '\(path)': \((error as? Diagnostic)?.message ?? "\(error)")",
          code: .configuration, notes: ["flockerctl's cluster.yml needs a 'users' list"]))
    }
  }

  mutating func loadAgentYAML(certsDir: String) {
    let path = Paths.join(certsDir, "agent.yml")
    guard let text = inputs.readFile(path) else { return }
    do {
      guard let host = try YAMLDocuments.string(text, path: ["control-service", "hostname"]) else {
        return
      }
      // Only the host: agent.yml's port is the agent port 4524, never the REST API's.
      let candidate = ConfigValue(value: host, source: .file(path), layer: 2)
      if (config.values[.host]?.layer ?? -1) < 2 { config.values[.host] = candidate }
    } catch {
      config.warnings.append("ignored '\(path)': \((error as? Diagnostic)?.message ?? "\(error)")")
    }
  }

  // MARK: - Environment

  mutating func loadEnvironment() {
    let env = inputs.environment
    for name in Configuration.environmentVariables where env[name] == "" {
      config.warnings.append("env \(name) is set but empty: ignored")
    }
    // flockerctl's dialect first, so that the Kubernetes dialect wins at the same layer.
    var fromFlockerctl: [ConfigKey: (String, String)] = [:]
    for (name, key) in Configuration.flockerctlVariables {
      if let v = env[name], !v.isEmpty {
        fromFlockerctl[key] = (name, v)
      }
    }
    var fromKubernetes: [ConfigKey: (String, String)] = [:]
    for (name, key) in Configuration.kubernetesVariables {
      if let v = env[name], !v.isEmpty { fromKubernetes[key] = (name, v) }
    }
    if fromKubernetes[.host] == nil, fromFlockerctl[.host] == nil, let m = env["MASTER_IP"],
      !m.isEmpty
    {
      offer(.host, m, .environment("MASTER_IP"))
    }
    for (key, (name, v)) in fromFlockerctl.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
      offer(key, v, .environment(name))
    }
    for (key, (name, v)) in fromKubernetes.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
      if let (other, ov) = fromFlockerctl[key], normalized(key, ov) != normalized(key, v) {
        config.warnings.append(
          "env \(name)='\(v)' and \(other)='\(ov)' disagree: using \(name) "
            + "(the Kubernetes variables win; unset one of them)")
      }
      candidates[key]?.removeAll { $0.source == .environment(fromFlockerctl[key]?.0 ?? "") }
      offer(key, v, .environment(name))
    }
    // The flockerctl layout implies file names; an explicit Kubernetes file that differs is a disagreement.
    if let dir = fromFlockerctl[.certs]?.1 ?? fromKubernetes[.certs]?.1,
      let user = fromFlockerctl[.user]?.1
    {
      let implied: [(ConfigKey, String)] = [
        (.ca, "cluster.crt"), (.cert, "\(user).crt"), (.key, "\(user).key"),
      ]
      for (key, file) in implied {
        if let (name, v) = fromKubernetes[key], absolute(v) != absolute(Paths.join(dir, file)) {
          config.warnings.append(
            "env \(name)='\(v)' differs from \(absolute(Paths.join(dir, file))) implied by "
              + "FLOCKER_CERTS_PATH and FLOCKER_USER: using \(name)")
        }
      }
    }
  }

  func normalized(_ key: ConfigKey, _ v: String) -> String {
    [.certs, .ca, .cert, .key].contains(key) ? absolute(v) : v
  }

  // MARK: - Derived values

  mutating func discoverUser(in certs: ConfigValue) {
    let dir = certs.value
    if let entries = inputs.listDirectory(dir) {
      let names = Set(entries)
      var users: [String] = []
      for entry in entries.sorted() where entry.hasSuffix(".crt") {
        let base = String(entry.dropLast(4))
        guard names.contains(base + ".key"),
          let cn = inputs.certificateCommonName(Paths.join(dir, entry)), cn.hasPrefix("user-")
        else { continue }
        users.append(base)
      }
      if let first = users.first {
        config.values[.user] = ConfigValue(
          value: first, source: .discovered(dir), layer: certs.layer)
        if users.count > 1 {
          config.warnings.append(
            "several API users in \(dir) (\(users.joined(separator: ", "))): took '\(first)', "
              + "the first by name; choose one with --user or `set user NAME`")
        }
        return
      }
    }
    // The consumer's own default: docker-multinode assumes 'kubernetes', the kubelet 'apiuser'.
    let forkDialect: Bool
    if case .environment("FLOCKER_USER_CA_DIR") = certs.source {
      forkDialect = true
    } else {
      forkDialect = false
    }
    let name = forkDialect ? "kubernetes" : "apiuser"
    let why =
      forkDialect ? "default of FLOCKER_USER_CA_DIR (docker-multinode)" : "default (the kubelet's)"
    config.values[.user] = ConfigValue(value: name, source: .derived(why), layer: certs.layer)
  }

  mutating func derive() {
    let certs = config.values[.certs]!
    let user = config.values[.user]!
    let from = "certs from \(certs.source)"
    let both = user.source == certs.source ? from : "\(from), user from \(user.source)"
    let derived: [(ConfigKey, String, Int, String)] = [
      (.ca, "cluster.crt", certs.layer, "<certs>/cluster.crt (\(from))"),
      (.cert, "\(user.value).crt", max(certs.layer, user.layer), "<certs>/<user>.crt (\(both))"),
      (.key, "\(user.value).key", max(certs.layer, user.layer), "<certs>/<user>.key (\(both))"),
    ]
    for (key, file, layer, pattern) in derived {
      if let explicit = config.values[key], explicit.layer >= layer { continue }
      config.values[key] = ConfigValue(
        value: Paths.join(certs.value, file), source: .derived(pattern), layer: layer)
    }
  }

  // MARK: - Checks

  mutating func check() {
    if let port = config.values[.port] {
      if let n = Int(port.value), (1...65535).contains(n) {
        if n == 4524 {
          config.warnings.append(
            "port 4524 (\(port.source)) is the agent port; the REST API listens on 4523")
        }
      } else {
        config.errors.append(
          Diagnostic(
            "invalid port '\(port.value)' from \(port.source)", code: .configuration,
            notes: ["give a number from 1 to 65535; the REST API's is 4523"]))
      }
    }
    let certs = config.values[.certs]!
    if inputs.listDirectory(certs.value) == nil {
      config.warnings.append(
        "certs dir '\(certs.value)' (\(certs.source)) does not exist or cannot be read")
    }
    if config.values[.host] == nil {
      config.warnings.append(
        "no control service host: set one with --host, FLOCKER_CONTROL_SERVICE_HOST, "
          + "a profile (`cluster add`), or `set host HOST`")
    }
  }
}

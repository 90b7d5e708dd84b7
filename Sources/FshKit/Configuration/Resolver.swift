// How `Configuration.resolve` works: defaults, profile, flockerctl files, environment, flags
// and `set`, each offering values for keys; the highest precedence wins.
import Foundation
import FshLanguage
import FshRuntime

/// One resolution: the candidates offered by each source, in ascending precedence, and the
/// configuration they make. `Configuration.resolve` is its only user.
struct Resolver {
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
    if key.isPath { value = absolute(raw) }
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
    for key in ConfigKey.allCases { offer(key, key.setting.defaultValue, .builtin) }
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
      let flag = key.flag
      if flagsIgnored {
        config.ignored.append(
          ("flag \(flag) \(value)", "cluster '\(chosen!.name)' was chosen with `use cluster`"))
      } else {
        offer(key, value, .flag(flag))
      }
    }
    for (key, value) in inputs.sets { offer(key, value, .set) }
    portFollowsHost()
    for key in ConfigKey.allCases {
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
    if let split = HostAndPort(host.value) {
      // An out-of-range port is reported with the other port errors (checkPort).
      candidates[.host]?.append(
        ConfigValue(value: split.host, source: host.source, layer: host.layer))
      candidates[.port, default: []].append(
        ConfigValue(value: String(split.port), source: host.source, layer: host.layer))
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
    key.isPath ? absolute(v) : v
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
    // The default /etc/flocker matters only when a file is looked for in it: a profile (or
    // flags) naming all three files leaves it unused, and it is not worth a warning then.
    let certs = config.values[.certs]!
    let filesFromCerts = [ConfigKey.ca, .cert, .key].contains {
      if case .derived? = config.values[$0]?.source { return true } else { return false }
    }
    if certs.source != .builtin || filesFromCerts, inputs.listDirectory(certs.value) == nil {
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

/// A setting that names the control service or the files used to reach it.

import FshLanguage
import FshRuntime

public enum ConfigKey: String, CaseIterable, Sendable {
  case host, port, certs, user, ca, cert, key

  /// Every fact about the key, declared once: `--help`, `cluster add`, `set`, `config`, the
  /// profile keywords, the environment variables, completion and the docs read it.
  package var setting: Setting {
    switch self {
    case .host:
      Setting(
        "HOST", "control service host name or IP (HOST:PORT sets the port too)",
        kubernetes: "FLOCKER_CONTROL_SERVICE_HOST", flockerctl: "FLOCKER_CONTROL_SERVICE")
    case .port:
      Setting(
        "PORT", "control service REST API port", default: "4523",
        kubernetes: "FLOCKER_CONTROL_SERVICE_PORT")
    case .certs:
      Setting(
        "DIR", "certificate directory: cluster.crt and the user's certificate and key",
        path: .directory, default: "/etc/flocker", kubernetes: "FLOCKER_USER_CA_DIR",
        flockerctl: "FLOCKER_CERTS_PATH")
    case .user:
      Setting(
        "USER", "API user: selects <certs>/<user>.crt and <user>.key", flockerctl: "FLOCKER_USER")
    case .ca:
      Setting(
        "FILE", "cluster CA certificate (default <certs>/cluster.crt)", path: .file,
        kubernetes: "FLOCKER_CONTROL_SERVICE_CA_FILE")
    case .cert:
      Setting(
        "FILE", "API user certificate (CN user-…)", path: .file,
        kubernetes: "FLOCKER_CONTROL_SERVICE_CLIENT_CERT_FILE")
    case .key:
      Setting(
        "FILE", "API user private key", path: .file,
        kubernetes: "FLOCKER_CONTROL_SERVICE_CLIENT_KEY_FILE")
    }
  }

  /// What the setting means (`config`, `help set`, `fsh --help`, `cluster add --help`).
  public var summary: String { setting.summary }

  /// Its flag on fsh's command line: `--host`.
  package var flag: String { "--" + rawValue }

  /// Whether its value is a path (made absolute when read, completed as one).
  package var isPath: Bool { setting.path != nil }
}

/// A configuration key's declaration.
package struct Setting: Sendable {
  package enum PathKind: Sendable { case file, directory }
  /// The value's placeholder: `HOST`, `DIR`.
  package var valueName: String
  /// What it is, without its default.
  package var meaning: String
  /// Set for a path: a file or a directory.
  package var path: PathKind?
  /// The built-in value, when there is one.
  package var defaultValue: String?
  /// The Kubernetes (docker-multinode, kubelet) variable, and flockerctl's.
  package var kubernetesVariable: String?
  package var flockerctlVariable: String?

  /// One line, the same everywhere it is shown (`fsh --help`, `cluster add --help`, `help set`).
  package var summary: String { meaning + (defaultValue.map { " (default \($0))" } ?? "") }

  init(
    _ valueName: String, _ summary: String, path: PathKind? = nil,
    default defaultValue: String? = nil, kubernetes: String? = nil, flockerctl: String? = nil
  ) {
    self.valueName = valueName
    self.meaning = summary
    self.path = path
    self.defaultValue = defaultValue
    self.kubernetesVariable = kubernetes
    self.flockerctlVariable = flockerctl
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
}

extension Configuration {
  /// Kubernetes / docker-multinode variables (the kubelet's dialect).
  static let kubernetesVariables: [(String, ConfigKey)] = ConfigKey.allCases.compactMap { k in
    k.setting.kubernetesVariable.map { ($0, k) }
  }
  /// flockerctl's variables.
  static let flockerctlVariables: [(String, ConfigKey)] = ConfigKey.allCases.compactMap { k in
    k.setting.flockerctlVariable.map { ($0, k) }
  }
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

import Foundation
import FshClient
import FshLanguage
import FshModel
import FshRuntime

/// What the Flocker library keeps in a session: the resolved configuration and where it came
/// from, the connection to the control service, and what the session saw of the cluster.
final class FlockerState {
  /// The resolved configuration; re-resolved after `set`, `unset`, `use` and profile edits.
  var configuration: Configuration?
  /// Values given with `set host …` and friends.
  var sets: [ConfigKey: String] = [:]
  /// The profile selected with `use`, overriding `--cluster`.
  var usedCluster: String?
  /// Reads the subject CN of a certificate file (for user discovery).
  var certificateCommonName: (String) -> String? = SessionEnvironment.certificateCommonName
  /// The link to the control service: transport, kept client, cancel.
  let connection = Connection()
  /// Dataset and node names seen by the last listing, for completion.
  let names = NameCache()
  /// What this session saw of the cluster: where datasets were last listed, nodes' hosts.
  let sightings: Sightings
  /// The read the last `move` made, which the next may reuse for a few seconds.
  var recent: RecentRead?

  init(_ session: Session) {
    // The network, the certificates, the control service: no caret under the command word.
    DiagnosticPrinter.causeIsElsewhere(for: [.connection, .tls, .server, .cluster])
    sightings = Sightings(stateDirectory: session.environment.stateDirectory)
    connection.onNote = { [weak session] note in
      session?.host?.report(Diagnostic(note, severity: .warning))
    }
    let connection = self.connection
    session.onCancel { connection.cancel() }
  }
}

extension Session {
  /// A session with fsh's commands (`CommandTable.standard`).
  public convenience init(environment: SessionEnvironment = .current(), host: SessionHost? = nil) {
    self.init(environment: environment, commands: .standard, host: host)
    eachRunners["cluster"] = FanOut.eachCluster
  }

  var flocker: FlockerState { state(FlockerState.self) { FlockerState(self) } }

  /// The resolved configuration; re-resolved after `set`, `unset`, `use` and profile edits.
  public var configuration: Configuration {
    if let c = flocker.configuration { return c }
    reconfigure()
    return flocker.configuration ?? Configuration()
  }

  /// Values given with `set host …` and friends.
  package var sets: [ConfigKey: String] { flocker.sets }

  /// Reads the subject CN of a certificate file (for user discovery).
  package var certificateCommonName: (String) -> String? {
    get { flocker.certificateCommonName }
    set { flocker.certificateCommonName = newValue }
  }

  /// The link to the control service: transport, kept client, cancel.
  package var connection: Connection { flocker.connection }
  /// Dataset and node names seen by the last listing, for completion.
  package var names: NameCache { flocker.names }
  /// What this session saw of the cluster: where datasets were last listed, nodes' hosts.
  var sightings: Sightings { flocker.sightings }

  /// Re-resolves the configuration from all sources; called after anything changes them.
  package func reconfigure() {
    flocker.configuration = Configuration.resolve(configurationInputs())
    configurationChanged()
  }

  /// Drops a client built for the old configuration.
  func configurationChanged() {
    connection.close()
  }

  func configurationInputs() -> ConfigurationInputs {
    var selected: (String, ConfigSource)?
    if let u = flocker.usedCluster {
      selected = (u, .set)
    } else if let c = environment.cluster {
      selected = (c, .flag("--cluster"))
    }
    return environment.configurationInputs(
      sets: flocker.sets, selectedCluster: selected,
      certificateCommonName: certificateCommonName)
  }

  /// Sets a configuration value for this session (`set host …`).
  public func set(_ key: ConfigKey, to value: String?) {
    flocker.sets[key] = value
    reconfigure()
  }

  /// Selects a cluster profile for this session (`use cluster NAME`); clears `set` values.
  public func use(cluster name: String) {
    flocker.usedCluster = name
    flocker.sets = [:]
    reconfigure()
  }
}

extension SessionEnvironment {
  /// `--cluster`.
  public var cluster: String? {
    get { launchSettings["cluster"] }
    set { launchSettings["cluster"] = newValue }
  }

  /// `--host`, `--port`, `--certs`, `--user`, `--ca`, `--cert`, `--key`.
  package var flags: [ConfigKey: String] {
    get {
      var out: [ConfigKey: String] = [:]
      for key in ConfigKey.allCases { out[key] = launchSettings[key.flag] }
      return out
    }
    set {
      for key in ConfigKey.allCases { launchSettings[key.flag] = newValue[key] }
    }
  }

  /// Set in a rehearsal: the name of the cluster whose copy this session talks to. `use cluster`
  /// then accepts that name only, and `config` says so.
  package var rehearsalOf: String? {
    get { launchSettings["rehearsal-of"] }
    set { launchSettings["rehearsal-of"] = newValue }
  }

  /// The profiles file: `<configDirectory>/clusters.yml`.
  public var profilesPath: String { Paths.join(configDirectory, "clusters.yml") }
}

extension CommandContext {
  /// The resolved configuration.
  public var configuration: Configuration { session.configuration }
}

extension ClusterView.LookupError: DiagnosticConvertible {
  /// The lookup's failure in fsh's words (see `Diagnostic(_:)`).
  public var diagnostic: Diagnostic { Diagnostic(self) }
}

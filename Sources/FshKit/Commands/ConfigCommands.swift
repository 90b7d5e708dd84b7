import Foundation
import FshLanguage

/// Commands about the session's configuration and cluster profiles.
enum ConfigCommands {}

extension ConfigCommands {
  struct Show: DeclaredCommand {
    static let help = CommandHelp(
      ["config"], summary: "show every resolved setting and where it came from",
      discussion: """
        Sources, lowest precedence first: default, the cluster profile, flockerctl's files \
        (./cluster.yml, <certs>/agent.yml), the environment (Kubernetes and flockerctl \
        variables; the Kubernetes ones win when both are set), flags, and `set`. \
        A variable that is set but empty counts as unset. A cluster chosen explicitly \
        (`use cluster`, `--cluster`) takes its whole connection from its profile: the \
        environment and flockerctl's files are then ignored (after `use cluster`, fsh's own \
        start-up flags too), and each ignored setting is shown as an 'ignored' row with why. \
        A host given with --host or `set host` without a port means port 4523 (or HOST:PORT).
        """,
      examples: ["config", "config -o json"])
    func run(in context: CommandContext) throws -> CommandResult {
      let c = context.configuration
      var rows: [Value] = []
      if let cluster = c.cluster {
        rows.append(row("cluster", cluster.value, cluster.source.description))
      } else {
        rows.append(row("cluster", nil, "none selected (`use cluster NAME`)"))
      }
      for key in ConfigKey.allCases {
        if let v = c.values[key] {
          rows.append(row(key.rawValue, v.value, v.source.description))
        } else {
          rows.append(row(key.rawValue, nil, "not set"))
        }
      }
      if let copy = context.session.environment.rehearsalOf {
        rows.insert(
          row("rehearsal", copy, "a throwaway copy of cluster '\(copy)': nothing reaches it"),
          at: 0)
      }
      for (what, why) in c.ignored {
        rows.append(row("ignored", what, why))
      }
      rows.append(
        row(
          "profiles", c.profilesPath,
          FileManager.default.fileExists(atPath: c.profilesPath)
            ? "file" : "file (does not exist yet)"))
      for w in c.warnings { context.warn(w) }
      for e in c.errors {
        context.session.host?.report(e)
      }
      // The rows, then a failure (in every format): scripts must not go on with a broken
      // configuration.
      let failure = c.errors.first.map { first in
        Diagnostic(
          "the configuration has \(c.errors.count) error(s)", code: .configuration,
          notes: [first.message])
      }
      return CommandResult(.list(rows), Self.presentation, failure: failure)
    }
    static let presentation = Presentation.table([Column("key"), Column("value"), Column("source")])
    func row(_ k: String, _ v: String?, _ s: String) -> Value {
      .record(Record([("key", .string(k)), ("value", .from(v)), ("source", .string(s))]))
    }
  }

  struct Clusters: DeclaredCommand {
    static let help = CommandHelp(
      ["clusters"], summary: "list the cluster profiles",
      discussion: "Profiles live in $XDG_CONFIG_HOME/fsh/clusters.yml.")
    func run(in context: CommandContext) throws -> CommandResult {
      let store = ProfileStore(path: context.session.environment.profilesPath)
      let file = try store.load()
      let current = context.configuration.cluster?.value
      let rows = file.clusters.keys.sorted().map { name -> Value in
        let p = file.clusters[name]!
        return .record(
          Record([
            ("name", .string(name)), ("host", .from(p.host)), ("port", .from(p.port)),
            ("certs", .from(p.certs)), ("user", .from(p.user)),
            ("current", .bool(name == current)), ("default", .bool(name == file.defaultCluster)),
          ]))
      }
      if rows.isEmpty {
        context.note("no cluster profiles yet; `cluster add NAME host HOST certs DIR` creates one")
      }
      @Sendable func mark(_ key: String) -> @Sendable (Value) -> String {
        { row in row[key] == .bool(true) ? "*" : "" }
      }
      return CommandResult(
        .list(rows),
        .table([
          Column("name"), Column("host"), Column("port", alignRight: true), Column("certs"),
          Column("user"), Column("current", cell: mark("current")),
          Column("default", cell: mark("default")),
        ]), emptyNote: "")
    }
  }

  struct Use: DeclaredCommand {
    @Arg(.word("cluster", "reads well; changes nothing")) var clusterWord: Bool
    @Arg(.positional("NAME", "a profile from `clusters`", completion: .cluster))
    var name: CommandArgument
    static let help = CommandHelp(
      ["use"], summary: "switch this session to a cluster profile",
      parameters: declared,
      discussion:
        "The profile gives the whole connection: host, port, certificates, user, CA, cert and key. Clears values given with `set`; `FLOCKER_*` variables, flockerctl's files and fsh's start-up flags are ignored while a cluster is in use (`config` lists them).",
      examples: ["use cluster prod", "use staging"])
    func run(in context: CommandContext) throws -> CommandResult {
      if let copy = context.session.environment.rehearsalOf, name.text != copy {
        throw Diagnostic(
          "this is a rehearsal of cluster '\(copy)': '\(name.text)' would be a real cluster",
          code: .failed,
          notes: [
            "a rehearsal talks only to its copy of '\(copy)' (`use cluster \(copy)` stays on it)",
            "rehearse a script for '\(name.text)' on its own: fsh --cluster \(name.text) --rehearse SCRIPT",
          ], range: name.range)
      }
      let store = ProfileStore(path: context.session.environment.profilesPath)
      let file = try store.load()
      guard file.clusters[name.text] != nil else {
        var notes = [
          "`clusters` lists the profiles; `cluster add \(name.text) host HOST …` creates one"
        ]
        if let near = Suggest.nearest(name.text, in: Array(file.clusters.keys)) {
          notes.insert("did you mean '\(near)'?", at: 0)
        }
        throw Diagnostic(
          "no cluster profile '\(name.text)'", code: .notFound, notes: notes, range: name.range)
      }
      context.session.use(cluster: name.text)
      let c = context.configuration
      for key in ConfigKey.allCases {
        if let v = c.values[key], v.layer > 1, file.clusters[name.text]?[key] != nil {
          context.warn(
            "\(key.rawValue) comes from \(v.source), which overrides profile '\(name.text)'")
        }
      }
      for e in c.errors { context.warn(e.message, notes: e.notes) }
      return context.inform("using cluster '\(name.text)' (\(c.host ?? "no host"):\(c.port))")
    }
  }

  /// `host HOST`, `port PORT`, …: a profile's settings as keywords, from the settings table.
  static let profileKeywords: [Parameter] = ConfigKey.allCases.map { key in
    .keyword(
      key.rawValue, key.setting.valueName, key.summary, completion: key.isPath ? .file : .none)
  }

  struct Add: DeclaredCommand {
    @Arg(.positional("NAME", "the profile's name (letters, digits, - _ .)"))
    var name: CommandArgument
    @Arg(group: ConfigCommands.profileKeywords) var settings: [String: CommandArgument]
    @Arg(["--default"], "use this profile when no other is selected") var makeDefault: Bool
    @Arg(["--replace"], "start the profile over: drop the settings not given") var replace: Bool
    static let help = CommandHelp(
      ["cluster", "add"], summary: "add a cluster profile, or change settings of one",
      parameters: declared,
      discussion: """
        On an existing profile, only the settings given change; --replace starts it over. \
        A profile needs a host. A host written as HOST:PORT sets the port too. A certs \
        directory or file that does not exist is warned about at once. Paths are stored \
        absolute. The file is written atomically under a lock.
        """,
      examples: [
        "cluster add prod host control.example.com certs /etc/flocker user alice --default",
        "cluster add prod host 10.0.0.7",
      ])
    var profile = Profile()

    mutating func validate(_ arguments: Arguments) throws {
      var hostPort: Int?
      for key in ConfigKey.allCases {
        guard let a = settings[key.rawValue] else { continue }
        if key == .port {
          guard let port = Int(a.text), HostAndPort.validPorts.contains(port) else {
            throw Diagnostic.usage(
              "invalid port '\(a.text)': expected a whole number from 1 to 65535", range: a.range)
          }
          profile.port = port
        } else if key == .host, let split = HostAndPort(a.text) {
          guard HostAndPort.validPorts.contains(split.port) else {
            throw Diagnostic.usage(
              "invalid port \(split.port) in '\(a.text)': expected a whole number from 1 to 65535",
              notes: ["the REST API's port is 4523: --host \(split.host):4523"], range: a.range)
          }
          profile.host = split.host
          hostPort = split.port
        } else {
          profile[key] = a.text
        }
      }
      // A port given with --port wins over one written in the host.
      if profile.port == nil { profile.port = hostPort }
      guard !name.text.isEmpty,
        name.text.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) })
      else {
        throw Diagnostic.usage(
          "invalid profile name '\(name.text)'", notes: ["use letters, digits, '-', '_' and '.'"],
          range: name.range)
      }
    }
    func run(in context: CommandContext) throws -> CommandResult {
      let env = context.session.environment
      var given = profile
      for key in ConfigKey.allCases where key.isPath {
        if let v = given[key] {
          given[key] = Paths.absolute(
            v, relativeTo: env.workingDirectory, home: env.variables["HOME"])
        }
      }
      var replaced = false
      var changed: [String] = []
      var result = Profile()
      try ProfileStore(path: env.profilesPath).update { file in
        let old = file.clusters[name.text]
        replaced = old != nil
        var p = replace ? Profile() : (old ?? Profile())
        for key in ConfigKey.allCases {
          if let v = given[key] {
            p[key] = v
            changed.append(key.rawValue)
          }
        }
        guard p.host != nil else {
          throw Diagnostic.usage(
            "cluster profile '\(name.text)' needs a host",
            notes: ["add one: cluster add \(name.text) host HOST [certs DIR] [user USER]"],
            range: name.range)
        }
        file.clusters[name.text] = p
        result = p
        if makeDefault { file.defaultCluster = name.text }
      }
      warnMissingFiles(result, context: context)
      context.session.reconfigure()
      let what: String
      if !replaced {
        what = "added"
      } else if replace {
        what = "replaced"
      } else {
        what = "updated (\(changed.isEmpty ? "nothing" : changed.joined(separator: ", ")))"
      }
      return context.inform("\(what) cluster '\(name.text)' in \(env.profilesPath)")
    }

    /// A certs directory or file that does not exist now will not exist at connect time either.
    func warnMissingFiles(_ p: Profile, context: CommandContext) {
      var isDir: ObjCBool = false
      if let dir = p.certs {
        if !FileManager.default.fileExists(atPath: dir, isDirectory: &isDir) || !isDir.boolValue {
          context.warn(
            "certs directory '\(dir)' does not exist",
            notes: ["create it, or fix the profile: cluster add \(name.text) certs DIR"])
        } else if p.ca == nil,
          !FileManager.default.fileExists(atPath: Paths.join(dir, "cluster.crt"))
        {
          context.warn(
            "'\(Paths.join(dir, "cluster.crt"))' does not exist",
            notes: ["the profile's CA is <certs>/cluster.crt unless 'ca FILE' is given"])
        }
      }
      for key in ConfigKey.allCases where key.setting.path == .file {
        if let f = p[key], !FileManager.default.fileExists(atPath: f) {
          context.warn(
            "\(key.rawValue) file '\(f)' does not exist",
            notes: ["fix the profile: cluster add \(name.text) \(key.rawValue) FILE"])
        }
      }
    }
  }

  struct Remove: DeclaredCommand {
    @Arg(.positional("NAME", "a profile from `clusters`", completion: .cluster))
    var name: CommandArgument
    static let help = CommandHelp(
      ["cluster", "remove"], summary: "remove a cluster profile", parameters: declared)
    func run(in context: CommandContext) throws -> CommandResult {
      let env = context.session.environment
      try ProfileStore(path: env.profilesPath).update { file in
        guard file.clusters.removeValue(forKey: name.text) != nil else {
          var notes = ["`clusters` lists the profiles"]
          if let near = Suggest.nearest(name.text, in: Array(file.clusters.keys)) {
            notes.insert("did you mean '\(near)'?", at: 0)
          }
          throw Diagnostic(
            "no cluster profile '\(name.text)'", code: .notFound, notes: notes, range: name.range)
        }
        if file.defaultCluster == name.text { file.defaultCluster = nil }
      }
      context.session.reconfigure()
      return context.inform("removed cluster '\(name.text)'")
    }
  }
}

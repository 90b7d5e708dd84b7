import Foundation

/// Commands about the session's configuration and cluster profiles.
enum ConfigCommands {}

extension ConfigCommands {
  struct Show: Command {
    static let help = CommandHelp(
      ["config"], summary: "show every resolved setting and where it came from",
      discussion: """
        Sources, lowest precedence first: default, the cluster profile, flockerctl's files \
        (./cluster.yml, <certs>/agent.yml), the environment (Kubernetes and flockerctl \
        variables; the Kubernetes ones win when both are set), flags, and `set`. \
        A variable that is set but empty counts as unset.
        """,
      examples: ["config", "config -o json"])
    init(arguments: inout Arguments) throws {}
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

  struct Clusters: Command {
    static let help = CommandHelp(
      ["clusters"], summary: "list the cluster profiles",
      discussion: "Profiles live in $XDG_CONFIG_HOME/fsh/clusters.yml.")
    init(arguments: inout Arguments) throws {}
    func run(in context: CommandContext) throws -> CommandResult {
      let store = ProfileStore(path: context.session.environment.profilesPath)
      let file = try store.load()
      let current = context.configuration.cluster?.value
      let rows = file.clusters.keys.sorted().map { name -> Value in
        let p = file.clusters[name]!
        let marks = [
          name == current ? "current" : nil, name == file.defaultCluster ? "default" : nil,
        ].compactMap { $0 }
        return .record(
          Record([
            ("name", .string(name)), ("host", .from(p.host)), ("port", .from(p.port)),
            ("certs", .from(p.certs)), ("user", .from(p.user)),
            ("current", .string(marks.joined(separator: ","))),
          ]))
      }
      if rows.isEmpty {
        context.note("no cluster profiles yet; `cluster add NAME host HOST certs DIR` creates one")
      }
      return CommandResult(
        .list(rows),
        .table([
          Column("name"), Column("host"), Column("port", alignRight: true), Column("certs"),
          Column("user"), Column("current", ""),
        ]), emptyNote: "")
    }
  }

  struct Use: Command {
    static let help = CommandHelp(
      ["use"], summary: "switch this session to a cluster profile", usage: "[cluster] NAME",
      arguments: [ParameterHelp("NAME", "a profile from `clusters`", completion: .cluster)],
      discussion:
        "Clears values given with `set`. Flags and environment variables still override the profile; `config` shows which.",
      examples: ["use cluster prod", "use staging"])
    var name: CommandArgument
    init(arguments: inout Arguments) throws {
      var first = try arguments.positional("a cluster name")
      if first.isBare, first.text == "cluster", let second = try arguments.optionalPositional() {
        first = second
      }
      name = first
    }
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
      return .text("using cluster '\(name.text)' (\(c.host ?? "no host"):\(c.port))")
    }
  }

  static let profileKeywords: [OptionHelp] = [
    OptionHelp(["host"], "HOST", "control service host name or IP"),
    OptionHelp(["port"], "PORT", "REST API port (default 4523)"),
    OptionHelp(["certs"], "DIR", "certificate directory", completion: .file),
    OptionHelp(["user"], "USER", "API user: <certs>/<user>.crt and .key"),
    OptionHelp(["ca"], "FILE", "cluster CA certificate", completion: .file),
    OptionHelp(["cert"], "FILE", "user certificate", completion: .file),
    OptionHelp(["key"], "FILE", "user private key", completion: .file),
  ]

  struct Add: Command {
    static let help = CommandHelp(
      ["cluster", "add"], summary: "add or replace a cluster profile",
      usage: "NAME [host H] [port P] [certs DIR] [user U] [ca F] [cert F] [key F] [--default]",
      arguments: [ParameterHelp("NAME", "the profile's name (letters, digits, - _ .)")],
      options: profileKeywords + [
        OptionHelp(["--default"], nil, "use this profile when no other is selected")
      ],
      discussion: "Paths are stored absolute. The file is written atomically under a lock.",
      examples: [
        "cluster add prod host control.example.com certs /etc/flocker user alice --default"
      ])
    var name: CommandArgument
    var profile = Profile()
    var makeDefault: Bool
    var cwd: String = ""
    init(arguments: inout Arguments) throws {
      makeDefault = arguments.flag("--default")
      for key in ConfigKey.allCases {
        if let a = try arguments.keyword(key.rawValue) {
          if key == .port {
            profile.port = try arguments.integer(a, name: "port", in: 1...65535)
          } else {
            profile[key] = a.text
          }
        }
      }
      name = try arguments.positional("a profile name")
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
      var p = profile
      for key in [ConfigKey.certs, .ca, .cert, .key] {
        if let v = p[key] {
          p[key] = Paths.absolute(v, relativeTo: env.workingDirectory, home: env.variables["HOME"])
        }
      }
      var replaced = false
      try ProfileStore(path: env.profilesPath).update { file in
        replaced = file.clusters[name.text] != nil
        file.clusters[name.text] = p
        if makeDefault { file.defaultCluster = name.text }
      }
      context.session.reconfigure()
      return .text(
        "\(replaced ? "replaced" : "added") cluster '\(name.text)' in \(env.profilesPath)")
    }
  }

  struct Remove: Command {
    static let help = CommandHelp(
      ["cluster", "remove"], summary: "remove a cluster profile", usage: "NAME",
      arguments: [ParameterHelp("NAME", "a profile from `clusters`", completion: .cluster)])
    var name: CommandArgument
    init(arguments: inout Arguments) throws { name = try arguments.positional("a profile name") }
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
      return .text("removed cluster '\(name.text)'")
    }
  }
}

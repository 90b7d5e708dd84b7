import Foundation
import FshLanguage
import FshPKI

/// Node onboarding: check and write `agent.yml`, and make per-node bundles.
enum AgentCommands {
  /// `--backend BACKEND`: one of the built-in dataset backends.
  static let backend = Param<String>(
    .option(
      ["--backend"], "BACKEND",
      "the dataset backend: \(AgentFacts.backendNames.joined(separator: ", "))",
      choices: AgentFacts.backendNames))

  static func path(_ p: String, in context: CommandContext) -> String {
    let env = context.session.environment
    return Paths.absolute(p, relativeTo: env.workingDirectory, home: env.variables["HOME"])
  }

  /// `KEY VALUE …`: dataset settings.
  static func settingsParameter(_ summary: String) -> Param<CommandArgument> {
    .positional("KEY VALUE", summary)
  }

  /// Reads `KEY VALUE` pairs.
  static func settings(_ args: [CommandArgument], _ arguments: Arguments) throws
    -> [(String, String)]
  {
    guard args.count % 2 == 0 else {
      let last = args.last!
      throw Diagnostic.usage(
        "'\(last.text)' in '\(arguments.command)' needs a value after it",
        notes: ["give dataset keys as KEY VALUE pairs: region RegionOne zone …"],
        range: last.range)
    }
    return stride(from: 0, to: args.count, by: 2).map { (args[$0].text, args[$0 + 1].text) }
  }

  /// The agent file for the session's control service, with missing required keys asked for on
  /// a terminal; without one, missing keys are an error that names them.
  static func agentFile(backend: String, settings: [(String, String)], in context: CommandContext)
    throws -> AgentFile
  {
    guard let host = context.configuration.host, !host.isEmpty else {
      throw Diagnostic(
        "no control service host in this session for agent.yml", code: .configuration,
        notes: ["set one with `set host NAME`, --host, FLOCKER_CONTROL_SERVICE_HOST or a profile"])
    }
    var file = AgentFile(hostname: host, backend: backend, settings: settings)
    var missing = try file.validate()
    while let key = missing.first {
      guard
        let answer = context.ask(
          "\(backend) \(key):", secret: AgentFacts.isSecret(key))
      else {
        try context.checkCancelled()  // Ctrl-C at the question: stop, say nothing is missing
        throw Diagnostic(
          "the \(backend) backend needs \(missing.map { "'\($0)'" }.joined(separator: ", "))",
          code: .usage,
          notes: [
            "give them as KEY VALUE pairs: \(missing.map { "\($0) VALUE" }.joined(separator: " "))",
            "on a terminal fsh asks for them",
          ])
      }
      let value = answer.trimmingCharacters(in: .whitespacesAndNewlines)
      guard !value.isEmpty else { throw Diagnostic.usage("no value given for '\(key)'") }
      file.settings.append((key, value))
      missing = try file.validate()
    }
    // What fsh writes must pass its own check.
    let check = AgentCheck(text: file.text, path: "agent.yml", mode: 0o600)
    if let bad = check.errors.first {
      throw Diagnostic(
        "refusing to write an agent.yml that fails its check: \(bad.what)", code: .configuration,
        notes: [bad.fix])
    }
    return file
  }

  static let findingColumns = Presentation.table([
    Column("level"), Column("what"), Column("fix"),
  ])
}

extension AgentCommands {
  struct Check: DeclaredCommand {
    @Arg(.positional("FILE", "default /etc/flocker/agent.yml", completion: .file))
    var file: CommandArgument?
    static let help = CommandHelp(
      ["agent", "check"], summary: "check an agent.yml the way the Flocker agent reads it",
      parameters: declared,
      discussion: """
        Checks what the agent validates (version 1, control-service.hostname, dataset.backend, \
        each built-in backend's required keys) and what it silently gets wrong: unknown keys it \
        ignores, dataset keys that stop it at start, localhost or 127.0.0.1 as the host, the \
        REST API port 4523 where the agent port 4524 belongs, secrets in a file others can read. \
        One line per finding with its fix; fails when any finding is an error. Secret values are \
        never shown.
        """,
      examples: ["agent check", "agent check ./node-a/agent.yml -o json"])
    func run(in context: CommandContext) throws -> CommandResult {
      let p = AgentCommands.path(file?.text ?? "/etc/flocker/agent.yml", in: context)
      var st = stat()
      guard stat(p, &st) == 0, let data = FileManager.default.contents(atPath: p) else {
        throw Diagnostic(
          "cannot read '\(p)': \(String(cString: strerror(errno)))", code: .notFound,
          notes: [
            "the agent reads /etc/flocker/agent.yml (flocker-dataset-agent --agent-config FILE)",
            "write one with `agent init --backend BACKEND`",
          ], range: file?.range)
      }
      guard let text = String(data: data, encoding: .utf8) else {
        throw Diagnostic("'\(p)' is not UTF-8 text", code: .configuration, range: file?.range)
      }
      let check = AgentCheck(text: text, path: p, mode: st.st_mode & 0o7777)
      var result = CommandResult(
        .list(check.findings.map(\.value)), AgentCommands.findingColumns)
      if let first = check.errors.first {
        // Every finding, then a failure: a script must not go on with a broken agent.yml.
        result.failure = Diagnostic(
          "'\(p)' has \(check.errors.count) error(s)", code: .configuration,
          notes: ["\(first.what): \(first.fix)"], range: file?.range)
      }
      return result
    }
  }

  struct Init: DeclaredCommand {
    @Arg(AgentCommands.backend) var backend: String
    @Arg(AgentCommands.settingsParameter("dataset settings: region RegionOne …"))
    var pairs: [CommandArgument]
    @Arg(
      .option(
        ["--out"], "FILE", "where to write (default ./agent.yml; - prints it)", completion: .file))
    var out: CommandArgument?
    static let help = CommandHelp(
      ["agent", "init"], summary: "write an agent.yml for this session's control service",
      parameters: declared,
      discussion: """
        The control-service hostname is the session's host (never localhost or 127.0.0.1: the \
        node would register as 127.0.0.1), the port the agent port 4524. Keys are checked \
        against the backend; required ones that are missing are asked for on a terminal \
        (secrets without echo) and are an error otherwise. The file is written with mode \
        0600 and never replaces an existing one.
        """,
      examples: [
        "agent init --backend aws region us-east-1 zone us-east-1a access_key_id AKIA… "
          + "secret_access_key …",
        "agent init --backend openstack region RegionOne auth_url https://keystone:5000/v3 "
          + "username u password p --out /etc/flocker/agent.yml",
      ])
    var settings: [(String, String)] = []
    mutating func validate(_ arguments: Arguments) throws {
      settings = try AgentCommands.settings(pairs, arguments)
    }
    func run(in context: CommandContext) throws -> CommandResult {
      let file = try AgentCommands.agentFile(backend: backend, settings: settings, in: context)
      if out?.text == "-" { return CommandResult(.string(file.text), .rendered(file.text)) }
      let p = AgentCommands.path(out?.text ?? "agent.yml", in: context)
      try FileWrites.create(file.text, at: p, mode: 0o600)
      return .text(
        "wrote \(p) (0600): \(backend), control service \(file.hostname):\(file.port)")
    }
  }
}

extension AgentCommands {
  struct Bundle: DeclaredCommand {
    @Arg(.positional("NAME", "the node's name (its host name): one bundle per name"))
    var name: CommandArgument
    @Arg(AgentCommands.backend) var backend: String
    @Arg(AgentCommands.settingsParameter("dataset settings, as for `agent init`"))
    var pairs: [CommandArgument]
    @Arg(
      .option(["--out"], "DIR", "the folder to create (never an existing one)", completion: .file))
    var out: CommandArgument
    @Arg(["--tar"], "write DIR.tar (0600, members root:root with their modes) instead") var tar:
      Bool
    @Arg(
      .option(
        ["--ca-dir"], "DIR",
        "where cluster.crt and cluster.key are (default: the session's CA's folder)",
        completion: .file))
    var caDir: CommandArgument?
    @Arg(.option(["--api-user"], "USER", "also issue USER.crt/.key for the kubelet"))
    var apiUser: String?
    @Arg(.keyBits) var bits: Certs.KeyBits = .bits4096
    static let help = CommandHelp(
      ["node", "bundle"], summary: "make everything one node needs: certificate, agent.yml, env",
      parameters: declared,
      discussion: """
        The folder is laid out as /etc/flocker expects: cluster.crt, a fresh node.crt and \
        node.key (CN node-<new uuid>, signed with cluster.key, which is never copied), \
        agent.yml (as `agent init` writes it), env (`env export --for kubernetes` with \
        /etc/flocker paths) and INSTALL.txt with the copy and permission commands. Every \
        node certificate fsh issues is recorded in <ca dir>/fsh-nodes.yml: a name is bundled \
        once and no two bundles share a node UUID.
        """,
      examples: [
        "node bundle node-a --backend openstack region RegionOne "
          + "auth_url https://keystone.example:5000/v3 username u password p --out ./node-a"
      ])
    var settings: [(String, String)] = []
    var keyBits: Int { bits.bits }

    mutating func validate(_ arguments: Arguments) throws {
      settings = try AgentCommands.settings(pairs, arguments)
      let valid = { (s: String) in
        !s.isEmpty && s.count <= 64
          && s.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }
      }
      guard valid(name.text), name.text != ".", name.text != ".." else {
        throw Diagnostic.usage(
          "invalid node name '\(name.text)'", notes: ["use letters, digits, '-', '_' and '.'"],
          range: name.range)
      }
      if let apiUser, !valid(apiUser) {
        throw Diagnostic.usage("invalid API user name '\(apiUser)'")
      }
    }

    func run(in context: CommandContext) throws -> CommandResult {
      let agent = try AgentCommands.agentFile(backend: backend, settings: settings, in: context)
      var target = AgentCommands.path(out.text, in: context)
      if tar && !target.hasSuffix(".tar") { target += ".tar" }
      guard !NodeBundle.exists(target) else {
        throw Diagnostic(
          "'\(target)' already exists; fsh never overwrites a bundle", code: .io,
          notes: ["choose another --out, or move the old one away"], range: out.range)
      }
      let ca = try loadCA(context)
      let registry = NodeRegistry(caDirectory: ca.directory)
      var written = false
      do {
        let bundle = try registry.update { entries -> NodeBundle in
          if let old = entries.first(where: { $0.name == name.text }) {
            throw Diagnostic(
              "node '\(name.text)' already has a bundle (node \(old.uuid), \(old.issued))",
              code: .failed,
              notes: [
                "each node needs its own certificate: bundle another node under another name",
                "if that bundle was never installed, remove its entry from \(registry.path)",
              ], range: name.range)
          }
          let bundle = try NodeBundle.make(
            name: name.text, agent: agent, ca: ca.ca, configuration: context.configuration,
            apiUser: apiUser, keyBits: keyBits, issuedUUIDs: Set(entries.map(\.uuid)))
          if tar {
            let top = String(Paths.basename(target).dropLast(4))
            try bundle.writeTarball(target, top: top.isEmpty ? name.text : top)
          } else {
            try bundle.writeDirectory(target)
          }
          written = true
          let now = ISO8601DateFormatter().string(from: Date())
          entries.append(
            NodeRegistry.Entry(name: name.text, uuid: bundle.nodeUUID, issued: now, bundle: target))
          return bundle
        }
        let files = bundle.files.map { Value.string($0.name) }
        let value = Value.record(
          Record([
            ("name", .string(bundle.name)), ("node_uuid", .string(bundle.nodeUUID)),
            ("cluster_uuid", .string(bundle.clusterUUID)), ("path", .string(target)),
            ("files", .list(files)),
          ]))
        var text = bundle.summary(at: target)
        text += "next: copy it to the node and follow INSTALL.txt\n"
        return CommandResult(value, .rendered(text))
      } catch {
        if written { NodeBundle.removeTree(target) }
        throw error
      }
    }

    func loadCA(_ context: CommandContext) throws -> (ca: FlockerCA, directory: String) {
      let dir: String
      if let caDir {
        dir = AgentCommands.path(caDir.text, in: context)
      } else if let ca = context.configuration[.ca] {
        dir = Paths.directory(of: ca)
      } else {
        throw Diagnostic("no CA folder: give --ca-dir DIR", code: .configuration)
      }
      let crt = Paths.join(dir, "cluster.crt")
      let key = Paths.join(dir, "cluster.key")
      guard let crtText = try? String(contentsOfFile: crt, encoding: .utf8) else {
        throw Diagnostic(
          "cannot read '\(crt)'", code: .notFound,
          notes: ["give the folder holding cluster.crt and cluster.key with --ca-dir DIR"],
          range: caDir?.range)
      }
      guard let keyText = try? String(contentsOfFile: key, encoding: .utf8) else {
        throw Diagnostic(
          "cannot read '\(key)': node certificates are signed with the cluster CA's key",
          code: .notFound,
          notes: [
            "run this where cluster.key is kept, or give its folder with --ca-dir DIR"
          ], range: caDir?.range)
      }
      do {
        let version = try CertificateSummary(pem: crtText).version
        return (try FlockerCA.load(certificatePEM: crtText, keyPEM: keyText, version: version), dir)
      } catch {
        throw Diagnostic(
          "cannot use the CA in '\(dir)': \(error)", code: .configuration,
          notes: ["cluster.crt and cluster.key must be the pair `flocker-ca initialize` wrote"])
      }
    }
  }
}

import Foundation
import FshLanguage
import FshPKI
import FshRuntime

struct NodeBundleCommand: DeclaredCommand {
  @Arg(.positional("NAME", "the node's name (its host name): one bundle per name"))
  var name: CommandArgument
  @Arg(AgentCommands.backend) var backend: String
  @Arg(AgentCommands.settingsParameter("dataset settings, as for `agent init`"))
  var pairs: [CommandArgument]
  @Arg(
    .option(["--out"], "DIR", "the folder to create (never an existing one)", completion: .file))
  var out: CommandArgument
  @Arg(["--tar"], "write DIR.tar (0600, members root:root with their modes) instead") var tar: Bool
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
        let now = Timestamps.iso(Date())
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

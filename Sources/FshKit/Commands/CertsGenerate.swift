import Foundation
import FshClient
import FshLanguage
import FshPKI

// `certs init|control|node|user`: flocker-ca's four commands (reference/flocker-api.md
// §4.1–4.2), written as X.509 v3, with the steps that follow spelled out. Key material goes only
// into the 0600 files; it is never in a result, a message or a trace.

extension Certs {
  /// RSA key sizes flocker-ca's tools accept.
  enum KeyBits: String, ChoiceValue {
    case bits2048 = "2048", bits3072 = "3072", bits4096 = "4096"
    var bits: Int { Int(rawValue) ?? 4096 }
  }

  /// The options every generator takes.
  struct GeneratorOptions {
    var keyBits = 4096
    var caDir: CommandArgument?
    var out: CommandArgument?

    func directory(_ a: CommandArgument?, _ context: CommandContext) -> String {
      let env = context.session.environment
      guard let a else { return env.workingDirectory }
      return Paths.absolute(a.text, relativeTo: env.workingDirectory, home: env.variables["HOME"])
    }

    /// Loads the CA, refuses to overwrite `<base>.crt/.key` (when the name is known before
    /// issuing), issues a credential with `make` and writes it 0600.
    func issue(
      _ context: CommandContext, fileBase: String?,
      _ make: (FlockerCA, Int) throws -> IssuedCredential
    ) throws -> (credential: IssuedCredential, certificate: String, key: String) {
      let ca = try loadCA(context)
      let dir = try outputDirectory(context)
      if let fileBase { try Certs.refuseExisting(dir, fileBase, out: out) }
      let credential = try make(ca, keyBits)
      let paths = try Certs.write(credential, dir: dir, out: out)
      return (credential, paths.certificate, paths.key)
    }

    /// The output directory, created 0700 when missing.
    func outputDirectory(_ context: CommandContext) throws -> String {
      let dir = directory(out, context)
      var isDir: ObjCBool = false
      if FileManager.default.fileExists(atPath: dir, isDirectory: &isDir) {
        guard isDir.boolValue else {
          throw Diagnostic("'\(dir)' is not a directory", code: .io, range: out?.range)
        }
        return dir
      }
      do {
        try FileManager.default.createDirectory(
          atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
      } catch {
        throw Diagnostic(
          "cannot create directory '\(dir)': \(error.localizedDescription)", code: .io)
      }
      return dir
    }

    /// Loads the cluster CA from `--ca-dir`; issued certificates are X.509 v3.
    func loadCA(_ context: CommandContext) throws -> FlockerCA {
      let dir = directory(caDir, context)
      let notes = [
        "create one with `certs init NAME --dir \(dir)`, or point --ca-dir at the directory "
          + "holding cluster.crt and cluster.key"
      ]
      var texts: [String] = []
      for name in ["cluster.crt", "cluster.key"] {
        let file = CheckedFile(Paths.join(dir, name))
        if let problem = file.problem {
          throw Diagnostic(
            "cannot load the cluster CA: " + CertificateChecks.describe(problem, file, name),
            code: .notFound, notes: notes, range: caDir?.range)
        }
        texts.append(file.text ?? "")
      }
      do {
        return try FlockerCA.load(certificatePEM: texts[0], keyPEM: texts[1], version: .v3)
      } catch let e as FlockerPKIError {
        throw Diagnostic(
          "cannot load the cluster CA from '\(dir)': \(sentence(e.description))",
          notes: ["cluster.key must be the RSA key written with cluster.crt"], range: caDir?.range)
      }
    }
  }

  /// Refuses before the (slow) key generation when a file is already there.
  static func refuseExisting(_ dir: String, _ base: String, out: CommandArgument?) throws {
    for ext in ["crt", "key"] {
      let path = Paths.join(dir, "\(base).\(ext)")
      if FileManager.default.fileExists(atPath: path) {
        throw existsDiagnostic(path, range: out?.range)
      }
    }
  }

  static func existsDiagnostic(_ path: String, range: SourceRange?) -> Diagnostic {
    Diagnostic(
      "'\(path)' already exists; certificates and keys are never overwritten", code: .io,
      notes: ["move it away first, or write elsewhere with --out DIR"], range: range)
  }

  /// Writes the pair with 0600 and O_EXCL; maps FshPKI's errors to diagnostics.
  static func write(_ credential: IssuedCredential, dir: String, out: CommandArgument?) throws
    -> (certificate: String, key: String)
  {
    do {
      return try writeCredentialFiles(credential, directory: dir)
    } catch FlockerPKIError.fileExists(let path) {
      throw existsDiagnostic(path, range: out?.range)
    } catch let e as FlockerPKIError {
      throw Diagnostic(sentence(e.description), code: .io)
    }
  }

  /// The result of a generator: a record (paths, names; never key material) and its text.
  static func result(
    _ credential: IssuedCredential, paths: (certificate: String, key: String), summary: String,
    steps: [String], stepsIntro: String, after: [String] = []
  ) -> CommandResult {
    var fields: [(String, Value)] = [
      ("kind", .string(credential.kind.rawValue)),
      ("common_name", .string(credential.commonName)),
      ("cluster_uuid", .string(credential.clusterUUID)),
      ("certificate", .string(paths.certificate)), ("key", .string(paths.key)),
      ("serial", .string(credential.serialNumberHex)),
    ]
    if let uuid = credential.nodeUUID { fields.insert(("node_uuid", .string(uuid)), at: 1) }
    fields.append(("next_steps", .list(steps.map(Value.string))))
    var text = "created \(paths.certificate) and \(paths.key) (\(summary))\n"
    text += stepsIntro + "\n"
    for s in steps { text += "  " + s + "\n" }
    for a in after { text += a + "\n" }
    return CommandResult(.record(Record(fields)), .rendered(text))
  }

  static func validated(_ a: CommandArgument, what: String) throws -> String {
    let t = a.text
    guard !t.isEmpty, !t.contains("/"), !t.hasPrefix("."), !t.hasPrefix("-"),
      !t.contains(where: { $0.isNewline || $0 == "\0" })
    else {
      throw Diagnostic.usage(
        "invalid \(what) '\(t)'",
        notes: ["it becomes part of a file name: no '/', no leading '.' or '-'"], range: a.range)
    }
    return t
  }

  // MARK: certs init

  struct Init: DeclaredCommand {
    @Arg(.positional("NAME", "the cluster's name (the CA's CN)")) var name: CommandArgument
    @Arg(.option(["--dir"], "DIR", "where to write them (default: current)", completion: .file))
    var out: CommandArgument?
    @Arg(.keyBits) var keyBits: KeyBits = .bits4096
    static let help = CommandHelp(
      ["certs", "init"], summary: "create a cluster CA: cluster.crt and cluster.key",
      parameters: declared,
      discussion: """
        Like `flocker-ca initialize NAME`: subject CN=NAME, OU=<new cluster UUID>, self-signed, \
        basicConstraints CA:TRUE pathlen:0, keyUsage keyCertSign+cRLSign, 20 years, RSA 4096; \
        written as X.509 v3, files 0600, never overwriting.
        """,
      examples: ["certs init prod --dir ~/flocker-ca"])

    var options: GeneratorOptions { GeneratorOptions(keyBits: keyBits.bits, out: out) }

    func validate(_ arguments: Arguments) throws {
      guard !name.text.isEmpty else {
        throw Diagnostic.usage("the cluster name is empty", range: name.range)
      }
    }

    func run(in context: CommandContext) throws -> CommandResult {
      let dir = try options.outputDirectory(context)
      try Certs.refuseExisting(dir, "cluster", out: options.out)
      let ca: FlockerCA
      do {
        ca = try FlockerCA.initialize(name: name.text, keyBits: options.keyBits, version: .v3)
      } catch let e as FlockerPKIError {
        throw Diagnostic(sentence(e.description), range: name.range)
      }
      let paths = try Certs.write(ca.credential, dir: dir, out: options.out)
      context.warn(
        "keep cluster.key secret: anyone who can access it will be able to control your cluster",
        notes: ["it stays on this machine; only cluster.crt is copied to the nodes"])
      let caDir =
        dir == context.session.environment.workingDirectory
        ? "" : " --ca-dir \(shellQuote(dir))"
      return Certs.result(
        ca.credential, paths: paths,
        summary: "cluster '\(name.text)', id \(ca.clusterUUID), RSA \(options.keyBits)",
        steps: [
          "certs control HOST\(caDir)", "certs user NAME\(caDir)", "certs node\(caDir)",
        ],
        stepsIntro: "next: the control service's certificate (HOST is what clients dial), an API "
          + "user (e.g. for the kubelet), and one node certificate for EACH node:")
    }
  }

  // MARK: certs control

  struct Control: DeclaredCommand {
    @Arg(.positional("HOST", "the name or IP clients dial")) var host: CommandArgument
    @Arg(.caDir) var caDir: CommandArgument?
    @Arg(.outDir) var out: CommandArgument?
    @Arg(.keyBits) var keyBits: KeyBits = .bits4096
    static let help = CommandHelp(
      ["certs", "control"], summary: "issue the control service certificate",
      parameters: declared,
      discussion: """
        Like `flocker-ca create-control-certificate HOST`: CN=control-service, OU=<cluster>, \
        subjectAltName DNS:control-service plus IP:HOST or DNS:HOST. Writes control-HOST.crt \
        and .key. Clients that verify host names (curl, Go, kubelets) must dial exactly HOST.
        """,
      examples: ["certs control 10.0.0.5 --ca-dir ~/flocker-ca"])

    var options: GeneratorOptions {
      GeneratorOptions(keyBits: keyBits.bits, caDir: caDir, out: out)
    }

    func run(in context: CommandContext) throws -> CommandResult {
      let hostName = try Certs.validated(host, what: "host")
      let (credential, certificate, keyPath) = try options.issue(
        context, fileBase: "control-\(hostName)"
      ) { ca, bits in try ca.issueControl(hostname: hostName, keyBits: bits) }
      let paths = (certificate: certificate, key: keyPath)
      let isIP = FshPKIHost.isIPAddress(hostName)
      let crt = shellQuote((paths.certificate as NSString).lastPathComponent)
      let key = shellQuote((paths.key as NSString).lastPathComponent)
      return Certs.result(
        credential, paths: paths,
        summary: "CN control-service, SAN DNS:control-service, \(isIP ? "IP" : "DNS"):\(hostName)",
        steps: [
          "install -d -m 0700 /etc/flocker",
          "install -m 0644 cluster.crt /etc/flocker/cluster.crt",
          "install -m 0600 \(crt) /etc/flocker/control-service.crt",
          "install -m 0600 \(key) /etc/flocker/control-service.key",
          "systemctl restart flocker-control",
        ],
        stepsIntro:
          "copy \(crt), \(key) and cluster.crt to the control service machine, then run there:",
        after: [
          "clients that check host names (curl, Go, kubelets) must dial '\(hostName)': "
            + "FLOCKER_CONTROL_SERVICE_HOST=\(hostName)"
        ])
    }
  }

  // MARK: certs node

  struct NodeCertificate: DeclaredCommand {
    @Arg(.caDir) var caDir: CommandArgument?
    @Arg(.outDir) var out: CommandArgument?
    @Arg(.keyBits) var keyBits: KeyBits = .bits4096
    static let help = CommandHelp(
      ["certs", "node"], summary: "issue a node (agent) certificate; one per node",
      parameters: declared,
      discussion: """
        Like `flocker-ca create-node-certificate`: CN=node-<new uuid>, OU=<cluster>, no \
        extensions. Writes <uuid>.crt and <uuid>.key, which go to ONE node as \
        /etc/flocker/node.crt and node.key: the UUID is the node's identity, so each node needs \
        its own.
        """,
      examples: ["certs node --ca-dir ~/flocker-ca --out ~/node-certs"])

    var options: GeneratorOptions {
      GeneratorOptions(keyBits: keyBits.bits, caDir: caDir, out: out)
    }

    func run(in context: CommandContext) throws -> CommandResult {
      // The file name is the new node's UUID, so there is nothing to check before issuing.
      let (credential, certificate, keyPath) = try options.issue(context, fileBase: nil) {
        ca, bits in try ca.issueNode(keyBits: bits)
      }
      let paths = (certificate: certificate, key: keyPath)
      let uuid = credential.nodeUUID ?? ""
      context.warn(
        "each node needs its own certificate: run `certs node` again for every other node",
        notes: [
          "the node's identity is the UUID in node.crt; a node.crt copied to several nodes makes "
            + "them collide in the node list and breaks the kubelet's node lookup"
        ])
      return Certs.result(
        credential, paths: paths, summary: "node \(uuid)",
        steps: [
          "install -d -m 0700 /etc/flocker",
          "install -m 0644 cluster.crt /etc/flocker/cluster.crt",
          "install -m 0600 \(uuid).crt /etc/flocker/node.crt",
          "install -m 0600 \(uuid).key /etc/flocker/node.key",
          "systemctl restart flocker-dataset-agent flocker-container-agent",
        ],
        stepsIntro:
          "copy \(uuid).crt, \(uuid).key and cluster.crt to ONE node, then run there:",
        after: ["then `certs check --node /etc/flocker` on that node checks the result"])
    }
  }

  // MARK: certs user

  struct User: DeclaredCommand {
    @Arg(.positional("NAME", "the user name (CN user-NAME)")) var name: CommandArgument
    @Arg(.caDir) var caDir: CommandArgument?
    @Arg(.outDir) var out: CommandArgument?
    @Arg(.keyBits) var keyBits: KeyBits = .bits4096
    static let help = CommandHelp(
      ["certs", "user"], summary: "issue an API user certificate (for fsh, flockerctl, kubelets)",
      parameters: declared,
      discussion: """
        Like `flocker-ca create-api-certificate NAME`: CN=user-NAME, OU=<cluster>, \
        extendedKeyUsage clientAuth. Writes NAME.crt and NAME.key.
        """,
      examples: ["certs user apiuser --ca-dir ~/flocker-ca"])

    var options: GeneratorOptions {
      GeneratorOptions(keyBits: keyBits.bits, caDir: caDir, out: out)
    }

    func run(in context: CommandContext) throws -> CommandResult {
      let user = try Certs.validated(name, what: "user name")
      let (credential, certificate, keyPath) = try options.issue(context, fileBase: user) {
        ca, bits in try ca.issueUser(name: user, keyBits: bits)
      }
      let paths = (certificate: certificate, key: keyPath)
      let crt = shellQuote("\(user).crt")
      let key = shellQuote("\(user).key")
      return Certs.result(
        credential, paths: paths, summary: "CN user-\(user), EKU clientAuth",
        steps: [
          "install -d -m 0700 /etc/flocker",
          "install -m 0644 cluster.crt /etc/flocker/cluster.crt",
          "install -m 0644 \(crt) /etc/flocker/\(crt)",
          "install -m 0600 \(key) /etc/flocker/\(key)",
        ],
        stepsIntro:
          "copy \(crt), \(key) and cluster.crt to each machine that calls the API (for a "
          + "kubelet: every Kubernetes node), then run there:",
        after: [
          "then `env export --for kubernetes` prints the kubelet's variables, and "
            + "`certs check --live` checks them"
        ])
    }
  }
}

/// Host-name helpers shared with FshPKI's rules.
enum FshPKIHost {
  static func isIPAddress(_ s: String) -> Bool { FlockerCA.ipAddressBytes(s) != nil }
}

extension Param where Value == CommandArgument {
  /// `--ca-dir DIR`: where the cluster CA is.
  static var caDir: Param {
    .option(
      ["--ca-dir"], "DIR", "directory holding cluster.crt and cluster.key (default: current)",
      completion: .file)
  }
  /// `--out DIR`: where a generator writes.
  static var outDir: Param {
    .option(
      ["--out"], "DIR", "where to write the files (default: current directory)", completion: .file)
  }
}

extension Param where Value == Certs.KeyBits {
  /// `--key-bits N`.
  static var keyBits: Param {
    .option(
      ["--key-bits"], "N", "RSA key size: 2048, 3072 or 4096 (default 4096, like flocker-ca)",
      label: "key size")
  }
}

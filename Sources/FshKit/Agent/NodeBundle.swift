import Foundation
import FshLanguage
import FshPKI
import FshRuntime
import Yams

/// Everything one Flocker node needs, laid out as `/etc/flocker` expects
/// (reference/flocker-api.md §4.3, k8s-flocker.md §7.1).
package struct NodeBundle: Sendable {
  /// One file of the bundle.
  package struct File: Sendable {
    package var name: String
    package var contents: [UInt8]
    package var mode: Int
    /// What it is, for the summary.
    package var what: String
  }

  package var name: String
  package var nodeUUID: String
  package var clusterUUID: String
  package var files: [File]

  /// Where the node keeps its files.
  package static let nodeDirectory = "/etc/flocker"

  /// Issues a node certificate (and optionally an API user certificate for the kubelet) and
  /// lays out the files. Nothing is written.
  /// - Parameters:
  ///   - configuration: the session's, for the control service host and API port of `env`.
  ///   - apiUser: issue `<apiUser>.crt|.key` into the bundle; nil refers `env` to the session's
  ///     user, whose files are not in the bundle.
  static func make(
    name: String, agent: AgentFile, ca: FlockerCA, configuration: Configuration,
    apiUser: String?, keyBits: Int, issuedUUIDs: Set<String>
  ) throws -> NodeBundle {
    var node = try ca.issueNode(keyBits: keyBits)
    while issuedUUIDs.contains(node.nodeUUID ?? "") { node = try ca.issueNode(keyBits: keyBits) }
    let user = apiUser ?? configuration[.user] ?? "apiuser"
    var files: [File] = [
      File(
        name: "cluster.crt", contents: Array(ca.certificatePEM.utf8), mode: 0o644,
        what: "cluster CA certificate (never cluster.key)"),
      File(
        name: "node.crt", contents: Array(node.certificatePEM.utf8), mode: 0o600,
        what: "node certificate, CN \(node.commonName)"),
      File(
        name: "node.key", contents: Array(node.privateKeyPEM.utf8), mode: 0o600,
        what: "node private key"),
      File(
        name: "agent.yml", contents: Array(agent.text.utf8), mode: 0o600,
        what: "agent configuration (\(agent.backend), \(agent.hostname):\(agent.port))"),
    ]
    if let apiUser {
      let u = try ca.issueUser(name: apiUser, keyBits: keyBits)
      files += [
        File(
          name: "\(apiUser).crt", contents: Array(u.certificatePEM.utf8), mode: 0o644,
          what: "API user certificate for the kubelet, CN \(u.commonName)"),
        File(
          name: "\(apiUser).key", contents: Array(u.privateKeyPEM.utf8), mode: 0o600,
          what: "API user private key"),
      ]
    }
    files.append(
      File(
        name: "env", contents: Array(try environment(configuration, user: user).utf8),
        mode: 0o644, what: "kubelet environment (EnvironmentFile=/etc/flocker/env)"))
    var bundle = NodeBundle(
      name: name, nodeUUID: node.nodeUUID!, clusterUUID: ca.clusterUUID, files: files)
    bundle.files.append(
      File(
        name: "INSTALL.txt",
        contents: Array(
          bundle.instructions(agent: agent, user: user, userIncluded: apiUser != nil).utf8),
        mode: 0o644, what: "how to install it on the node"))
    return bundle
  }

  /// `env export --for kubernetes --format systemd` with the node's paths.
  static func environment(_ c: Configuration, user: String) throws -> String {
    var node = c
    let dir = nodeDirectory
    let source = ConfigSource.derived("node bundle")
    node.values[.certs] = ConfigValue(value: dir, source: source, layer: 0)
    node.values[.user] = ConfigValue(value: user, source: source, layer: 0)
    node.values[.ca] = ConfigValue(value: "\(dir)/cluster.crt", source: source, layer: 0)
    node.values[.cert] = ConfigValue(value: "\(dir)/\(user).crt", source: source, layer: 0)
    node.values[.key] = ConfigValue(value: "\(dir)/\(user).key", source: source, layer: 0)
    let export = try EnvExport.variables(for: .kubernetes, from: node)
    return EnvExport.render(export, format: .systemd, consumer: .kubernetes)
  }

  func instructions(agent: AgentFile, user: String, userIncluded: Bool) -> String {
    let dir = NodeBundle.nodeDirectory
    var installs = [
      ("cluster.crt", "0644"), ("node.crt", "0600"), ("node.key", "0600"), ("agent.yml", "0600"),
    ]
    if userIncluded { installs += [("\(user).crt", "0644"), ("\(user).key", "0600")] }
    installs.append(("env", "0644"))
    let lines = installs.map { "  install -m \($0.1) -o root -g root \($0.0) \(dir)/\($0.0)" }
    let userNote =
      userIncluded
      ? "The kubelet authenticates with \(user).crt and \(user).key (CN user-\(user)), included."
      : """
      The kubelet authenticates with \(dir)/\(user).crt and \(dir)/\(user).key (an API user
      certificate, CN user-\(user)); they are NOT in this bundle. Install them with mode 0644
      and 0600, or make the bundle with --api-user NAME to include a fresh pair.
      """
    return """
      Flocker node bundle '\(name)'
        node UUID     \(nodeUUID)
        cluster UUID  \(clusterUUID)
        control       \(agent.hostname), agent port \(agent.port); backend \(agent.backend)

      This folder holds the node's private key and the storage credentials. Copy it to the node
      over a private channel (scp), install it, then delete every copy.

      On the node, as root, in this folder:

        test -e \(dir)/node.crt && echo "STOP: this node already has an identity (\(dir)/node.crt)"
        install -d -m 0700 -o root -g root \(dir)
      \(lines.joined(separator: "\n"))

      Then start the agents and give the kubelet its environment:

        systemctl enable --now flocker-dataset-agent flocker-container-agent
        # kubelet.service (and kube-controller-manager): EnvironmentFile=\(dir)/env
        systemctl daemon-reload && systemctl restart kubelet

      \(userNote)

      Check it with fsh on the node: `agent check`, `certs check --node \(dir)`.
      Never copy node.crt and node.key to a second node: both would report as one node whose
      address flips. Make one bundle per node (`node bundle NAME …`).

      """
  }

  /// The summary shown after writing.
  func summary(at path: String) -> String {
    let width = files.map(\.name.count).max() ?? 0
    var out = "bundle '\(name)' for node \(nodeUUID) in \(path):\n"
    for f in files {
      let pad = String(repeating: " ", count: width - f.name.count)
      out += "  \(f.name)\(pad)  \(String(format: "%04o", f.mode))  \(f.what)\n"
    }
    return out
  }

  /// Writes the folder: built under a temporary name next to `path`, then renamed, so a bundle
  /// is either complete or absent. Never replaces anything.
  func writeDirectory(_ path: String) throws {
    let parent = Paths.directory(of: path)
    var st = stat()
    guard stat(parent, &st) == 0, st.st_mode & S_IFMT == S_IFDIR else {
      throw Diagnostic(
        "cannot create '\(path)': the folder '\(parent)' does not exist", code: .io,
        notes: ["create it first, or choose another --out"])
    }
    let tmp = Paths.join(
      parent, ".\(Paths.basename(path)).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp")
    guard mkdir(tmp, 0o700) == 0 else {
      throw Diagnostic(
        "cannot create '\(tmp)': \(String(cString: strerror(errno)))", code: .io,
        notes: ["the folder '\(parent)' must exist and be writable"])
    }
    chmod(tmp, 0o700)
    do {
      for f in files {
        try FileWrites.create(f.contents, at: Paths.join(tmp, f.name), mode: mode_t(f.mode))
      }
      guard !NodeBundle.exists(path) else {
        throw Diagnostic("'\(path)' already exists; fsh never overwrites a bundle", code: .io)
      }
      guard rename(tmp, path) == 0 else {
        throw Diagnostic(
          "cannot create '\(path)': \(String(cString: strerror(errno)))", code: .io)
      }
    } catch {
      NodeBundle.removeTree(tmp)
      throw error
    }
  }

  /// Writes a tarball of the folder (top directory `top`), mode 0600 since it holds keys.
  func writeTarball(_ path: String, top: String) throws {
    var tar = Tarball()
    tar.addDirectory(top, mode: 0o700)
    for f in files { tar.addFile("\(top)/\(f.name)", contents: f.contents, mode: f.mode) }
    try FileWrites.create(tar.archive, at: path, mode: 0o600)
  }

  static func exists(_ path: String) -> Bool {
    var st = stat()
    return lstat(path, &st) == 0
  }

  /// Removes a folder fsh made (flat: files only).
  static func removeTree(_ path: String) {
    try? FileManager.default.removeItem(atPath: path)
  }
}

/// The node certificates fsh issued with one CA: `<ca dir>/fsh-nodes.yml`. Kept next to
/// `cluster.key` because uniqueness is the CA's business: every operator who can sign node
/// certificates sees the same list.
struct NodeRegistry {
  struct Entry: Codable, Equatable {
    var name: String
    var uuid: String
    var issued: String
    var bundle: String
  }
  struct File: Codable {
    var nodes: [Entry] = []
  }

  let path: String

  init(caDirectory: String) { path = Paths.join(caDirectory, "fsh-nodes.yml") }

  func load() throws -> [Entry] {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
    do {
      return try YAMLDecoder().decode(File.self, from: text).nodes
    } catch {
      throw Diagnostic(
        "cannot read the node registry '\(path)': \(YAMLDocuments.describe(error))",
        code: .configuration,
        notes: ["fix or move the file; fsh never rewrites what it cannot parse"])
    }
  }

  /// Applies a change under an exclusive lock and writes the result atomically.
  func update<T>(_ body: (inout [Entry]) throws -> T) throws -> T {
    let lockPath = path + ".lock"
    let fd = open(lockPath, O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
    guard fd >= 0 else {
      throw Diagnostic(
        "cannot lock '\(lockPath)': \(String(cString: strerror(errno)))", code: .io,
        notes: [
          "fsh records issued node certificates next to cluster.key: that folder must be writable"
        ])
    }
    defer { close(fd) }
    guard flock(fd, LOCK_EX) == 0 else {
      throw Diagnostic("cannot lock '\(lockPath)': \(String(cString: strerror(errno)))", code: .io)
    }
    defer { flock(fd, LOCK_UN) }
    var entries = try load()
    let result = try body(&entries)
    let encoder = YAMLEncoder()
    let text =
      "# node certificates issued by `fsh node bundle` with this CA; one name and UUID per node\n"
      + (try encoder.encode(File(nodes: entries)))
    try FileWrites.replace(text, at: path, mode: 0o600)
    return result
  }
}

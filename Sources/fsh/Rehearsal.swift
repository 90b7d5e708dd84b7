import Foundation
import FshClient
import FshFiles
import FshKit
import FshLanguage
import FshModel
import FshRuntime
import FshSandboxProtocol

/// `fsh --rehearse SCRIPT [ARGS…]`, `rehearse SCRIPT [ARGS…]` and `sandbox serve --from`: a
/// script run against a throwaway copy of the cluster the session points at, then the plan of
/// what it would change. The real cluster receives reads only (a read-only transport), and the
/// copy is a sandbox seeded with what those reads returned.
enum Rehearsal {
  /// What a rehearsal cannot copy, said in the plan's header and in docs/guide.md.
  static let notCopied = [
    "the volumes' data", "the real backend's timings (the copy's agents take 0.5 s a step)",
    "files and services on the nodes",
  ]

  /// The cluster as it was read: the seed of the copy, and the configuration tag.
  struct Snapshot {
    var seed: SandboxCopySeed
    var tag: String?
    /// The name the copy goes by: the profile's name, or `host:port`.
    var label: String
    var address: String
  }

  /// `GET /v1/configuration/datasets` decoded by hand: sizes beyond 64 bits keep their digits
  /// (`hugeSize`). Nil when the answer is not a 200 JSON list (the typed reader then says why).
  static func rawConfiguration(_ client: FlockerClient)
    -> (datasets: [SandboxCopySeed.Dataset], tag: String?)?
  {
    guard
      let response = try? client.transport.perform(
        HTTPRequest(method: "GET", path: "/v1/configuration/datasets")),
      response.status == 200
    else { return nil }
    // Each `"maximum_size": <digits>` too large for Int becomes a negative stand-in, -1-k.
    var text = response.bodyText
    var huge: [String] = []
    let key = "\"maximum_size\":"
    var searchFrom = text.startIndex
    while let found = text.range(of: key, range: searchFrom..<text.endIndex) {
      var start = found.upperBound
      while start < text.endIndex, text[start] == " " { start = text.index(after: start) }
      var end = start
      while end < text.endIndex, text[end].isASCII, text[end].isNumber {
        end = text.index(after: end)
      }
      let digits = String(text[start..<end])
      if !digits.isEmpty, Int(digits) == nil {
        let standIn = String(-1 - huge.count)
        huge.append(digits)
        text.replaceSubrange(start..<end, with: standIn)
        searchFrom = text.index(start, offsetBy: standIn.count)
      } else {
        searchFrom = end
      }
    }
    guard let items = Value.json(Data(text.utf8))?.listValue else { return nil }
    var datasets: [SandboxCopySeed.Dataset] = []
    for item in items {
      guard let id = item["dataset_id"]?.stringValue else { return nil }
      var size = item["maximum_size"]?.intValue
      var hugeSize: String?
      if let value = size, value < 0, -1 - value < huge.count {
        hugeSize = huge[-1 - value]
        size = nil
      }
      let metadata = (item["metadata"]?.recordValue?.fields ?? []).compactMap { key, value in
        value.stringValue.map { SandboxCopySeed.Metadata(key: key, value: $0) }
      }.sorted { $0.key < $1.key }
      datasets.append(
        SandboxCopySeed.Dataset(
          id: id, primary: item["primary"]?.stringValue ?? "", maximumSize: size,
          metadata: metadata, deleted: item["deleted"]?.boolValue ?? false, hugeSize: hugeSize))
    }
    return (datasets, response.header("X-Configuration-Tag"))
  }

  /// The nodes' eras when the cluster is itself a sandbox (its `/sandbox/agents` says them;
  /// Flocker's API maps an era to a node, never a node to its era): empty otherwise.
  static func sandboxEras(_ client: FlockerClient) -> [String: String] {
    guard
      let response = try? client.transport.perform(
        HTTPRequest(method: "GET", path: "/sandbox/agents")),
      response.status == 200,
      let items = Value.json(Data(response.body))?.listValue
    else { return [:] }
    var eras: [String: String] = [:]
    for item in items {
      if let uuid = item["uuid"]?.stringValue, let era = item["era"]?.stringValue {
        eras[uuid.lowercased()] = era
      }
    }
    return eras
  }

  /// Reads the session's cluster with GET requests only.
  static func snapshot(_ session: Session) throws -> Snapshot {
    let wasReadOnly = session.readOnly
    session.readOnly = true
    defer { session.readOnly = wasReadOnly }
    let client = try session.client()
    do {
      let version = try client.version()
      // Read as raw JSON first, so a size beyond 64 bits keeps its exact digits; the typed
      // reader (and its errors) when that read is not a plain 200 list.
      var copied: [SandboxCopySeed.Dataset]
      var tag: String?
      if let raw = rawConfiguration(client) {
        (copied, tag) = raw
      } else {
        let (datasets, typedTag) = try client.configurationDatasets()
        tag = typedTag
        copied = datasets.map {
          SandboxCopySeed.Dataset(
            id: $0.datasetID, primary: $0.primary ?? "", maximumSize: $0.maximumSize,
            metadata: $0.metadata.sorted { $0.key < $1.key }.map {
              .init(key: $0.key, value: $0.value)
            },
            deleted: $0.deleted)
        }
      }
      let state = try client.stateDatasets()
      let nodes = try client.nodes()
      let leases = try client.leases()
      let eras = sandboxEras(client)
      let seed = SandboxCopySeed(
        version: version.flocker,
        nodes: nodes.map { .init(uuid: $0.uuid, host: $0.host, era: eras[$0.uuid.lowercased()]) },
        datasets: copied,
        state: state.map { .init(id: $0.datasetID, primary: $0.primary, size: $0.maximumSize) },
        leases: leases
      )
      let c = session.configuration
      let address = "\(c.host ?? "?"):\(c.port)"
      return Snapshot(seed: seed, tag: tag, label: c.cluster?.value ?? address, address: address)
    } catch let e as ClientError {
      throw Diagnostic(e)
    }
  }

  /// Starts the copy: a sandbox (an `fsh-sandbox` child) seeded with the snapshot, serving
  /// TLS on 127.0.0.1.
  static func start(_ snapshot: Snapshot, directory: String, port: Int = 0) throws
    -> SandboxProcess
  {
    var start = SandboxStart(directory: directory, waitForAgents: false)
    start.keyBits = 2048
    start.persist = false
    start.port = port
    start.seed = snapshot.seed
    do {
      return try SandboxProcess(start)
    } catch {
      throw Diagnostic("cannot start the copy of '\(snapshot.label)': \(error)", code: .failed)
    }
  }

  /// A session environment for the copy: a throwaway home, configuration and working directory
  /// (every file the script writes lands there), one profile named like the rehearsed cluster
  /// that points at the copy, and no `FLOCKER_*` variables that could point anywhere else.
  static func environment(
    from base: SessionEnvironment, copy: SandboxProcess, label: String, folder: String,
    ownFiles: inout [String: String]
  ) throws -> SessionEnvironment {
    let home = folder + "/home"
    let work = folder + "/work"
    let files = FileManager.default
    try files.createDirectory(
      atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    for dir in [home, work] {
      try files.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }
    // The script reads its own files (`source lib.fsh`) through links to the real directory's
    // entries; what it creates is created here.
    if let entries = try? files.contentsOfDirectory(atPath: base.workingDirectory) {
      for entry in entries {
        try? files.createSymbolicLink(
          atPath: work + "/" + entry, withDestinationPath: base.workingDirectory + "/" + entry)
      }
    }
    var variables = base.variables.filter { key, _ in
      !key.hasPrefix("FLOCKER_") && !key.hasPrefix("XDG_") && key != "KUBECONFIG"
    }
    variables["HOME"] = home
    var env = SessionEnvironment(variables: variables, workingDirectory: work)
    var profile = Profile()
    profile.host = "127.0.0.1"
    profile.port = copy.port
    profile.certs = copy.certificatesDirectory
    profile.user = copy.userName
    var profiles = ProfilesFile()
    profiles.clusters[label] = profile
    profiles.defaultCluster = label
    try files.createDirectory(atPath: env.configDirectory, withIntermediateDirectories: true)
    try AtomicFile.write(try profiles.serialized(), to: env.profilesPath, mode: 0o600)
    ownFiles[env.profilesPath] = try profiles.serialized()
    env.cluster = label
    env.rehearsalOf = label
    return env
  }

  /// Rehearses `script` against a copy of the cluster `session` points at. The script's output
  /// and errors go to `host` as usual; the result is the plan.
  static func rehearse(
    script: String, arguments: [String], session: Session, host: SessionHost?
  ) throws -> (plan: CommandResult, outcome: Outcome) {
    let path =
      script.hasPrefix("/")
      ? script
      : URL(
        fileURLWithPath: script,
        relativeTo: URL(fileURLWithPath: session.environment.workingDirectory + "/")
      ).path
    return try onCopy(of: session, host: host, status: \.status) {
      $0.runFile(path, arguments: arguments)
    }
  }

  /// Runs `body` with a session on a copy of the cluster `session` points at, then makes the
  /// plan of what it changed there (with the exit status `status` reads from the result).
  static func onCopy<Result>(
    of session: Session, host: SessionHost?, status: (Result) -> Int32,
    _ body: (Session) -> Result
  ) throws -> (plan: CommandResult, outcome: Result) {
    let snapshot = try snapshot(session)
    let folder = NSTemporaryDirectory() + "fsh-rehearsal-\(UUID().uuidString.prefix(8))"
    // The copy's certificates are kept between rehearsals (making RSA keys is most of the
    // start-up); its datasets are never saved. One directory per cluster profile: clusters
    // rehearsed at once (`--cluster 'lab-*' --rehearse`) each have their own.
    let profile = session.configuration.cluster.map { c in
      "-" + String(c.value.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." ? $0 : "_" })
    }
    let copy = try start(
      snapshot,
      directory: session.environment.stateDirectory + "/rehearsal-copy" + (profile ?? ""))
    defer { copy.stop() }
    var ownFiles: [String: String] = [:]
    let env = try environment(
      from: session.environment, copy: copy, label: snapshot.label, folder: folder,
      ownFiles: &ownFiles)
    let before = try ask(copy, .requests(since: Int.max)).count
    let rehearsal = Session(environment: env, host: host)
    rehearsal.options = session.options
    // Whatever the script configures, its connection can only be the copy's.
    rehearsal.transportFactory = { c, options in
      guard c.host == "127.0.0.1", c.port == copy.port,
        c[.ca] == copy.caCertificatePath, c[.cert] == copy.userCertificatePath
      else {
        throw Diagnostic(
          "a rehearsal of '\(snapshot.label)' talks only to its copy, not to "
            + "\(c.host ?? "no host"):\(c.port)", code: .configuration,
          notes: [
            "the script changed the connection (`set host`, `use cluster`); rehearse it without that"
          ])
      }
      return try CurlTransport(
        settings: TLSSettings(
          host: "127.0.0.1", port: copy.port, caFile: copy.caCertificatePath,
          certFile: copy.userCertificatePath, keyFile: copy.userKeyPath,
          connectTimeout: options.connectTimeout, requestTimeout: options.requestTimeout))
    }
    let outcome = body(rehearsal)
    rehearsal.closeConnections()
    let changes = try ask(copy, .requests(since: before)).requests.filter {
      $0.method != "GET" && $0.method != "HEAD"
    }
    let after = try Plan.read { try ask(copy, .handle(method: "GET", path: $0)).body }
    // fsh's own state under the throwaway home (history, completion names, node hosts) is not
    // something the script wrote.
    let own =
      env.stateDirectory.hasPrefix(folder + "/")
      ? String(env.stateDirectory.dropFirst(folder.count + 1)) + "/" : nil
    let written = Plan.files(in: folder, skipping: [], unchanged: ownFiles).filter { path in
      own.map { !path.hasPrefix($0) } ?? true
    }
    let plan = Plan(
      snapshot: snapshot, changes: Array(changes), after: after, files: written, folder: folder,
      status: status(outcome))
    if plan.files.isEmpty { try? FileManager.default.removeItem(atPath: folder) }
    return (plan.result, outcome)
  }

  /// Asks the copy; a copy that has gone is the rehearsal's failure.
  static func ask(_ copy: SandboxProcess, _ query: SandboxQuery) throws -> SandboxAnswer {
    do {
      return try copy.ask(query)
    } catch {
      throw Diagnostic("cannot read the copy after the script: \(error)", code: .failed)
    }
  }
}

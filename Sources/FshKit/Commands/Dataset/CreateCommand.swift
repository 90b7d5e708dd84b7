import Foundation
import FshClient
import FshLanguage
import FshModel
import FshRuntime

struct CreateCommand: DeclaredCommand {
  @Arg(.positional("NAME", "stored as metadata 'name' (Kubernetes finds datasets by it)"))
  var name: CommandArgument
  @Arg(
    .positional(
      "SIZE",
      "10G, 1.5T, 512M, 10Gi or bytes; at least 64M; units are binary (10G = 10Gi = 10GB = 10×1024³ bytes)",
      completion: .values(["1G", "10G", "50G", "100G"])))
  var requested: ByteSize
  @Arg(.node("on", "the primary node: a unique id prefix or its host IP")) var node: NodeRef
  @Arg(.meta("more metadata (16 keys at most, 256 characters each)")) var meta: [MetadataPair]
  @Arg(
    .keyword(
      "id", "UUID", "the dataset id to use (a version 4 UUID); default: a new one",
      label: "dataset id"))
  var id: UUIDv4?
  @Arg(["--force"], "create even when a live dataset already has this name") var force: Bool
  @Arg(["--yes", "-y"], "do not ask about a size above 64T (needed in scripts)") var yes: Bool
  @Arg(.waitFlag("attached on its node")) var wait: Bool
  @Arg(.waitTimeout) var timeout: Seconds?
  static let help = CommandHelp(
    ["create"], summary: "create a named dataset on a node",
    parameters: declared,
    discussion: """
      A second live dataset with the same name is refused (Kubernetes would pick one silently) \
      unless --force. The check and the create are one conditional request \
      (X-If-Configuration-Matches), retried when another change got in between, so two \
      operators cannot both pass it. The result is the new dataset; it is pending until an agent \
      attaches it (see `wait`); with --wait, the dataset once attached.
      """,
    examples: [
      "create my-volume 50G on 265a0498",
      "let ds = create \"$app-data\" 10G on $node meta team=storage",
      "create web-1 10G on 10.0.0.2 --wait timeout 5m",
    ])
  /// The metadata sent: `meta` pairs and the name.
  var metadata: [String: String] = [:]
  var size: Int { requested.bytes }

  mutating func validate(_ arguments: Arguments) throws {
    // Measured as the server measures it: Unicode code points.
    guard !name.text.isEmpty, name.text.unicodeScalars.count <= 256 else {
      throw Diagnostic.usage(
        "invalid dataset name '\(name.text)'",
        notes: ["give a name of 1 to 256 characters (Unicode code points)"],
        range: name.range)
    }
    for pair in meta {
      if pair.key == "name" {
        throw Diagnostic.usage(
          "the name is the first argument, not 'meta name=…'", range: name.range)
      }
      metadata[pair.key] = pair.value
    }
    metadata["name"] = name.text
    if metadata.count > 16 {
      throw Diagnostic.usage(
        "\(metadata.count) metadata keys (with 'name'): the API allows 16", range: name.range)
    }
  }
  func run(in context: CommandContext) throws -> CommandResult {
    // What this changes is not written into the reusable read (`RecentRead`): drop it.
    defer { Datasets.forgetRecent(context) }
    if size > Sizes.confirmAbove && !yes {
      let question =
        "create '\(name.text)' with \(Sizes.format(size)) (\(size) bytes), above 64T?"
      guard let answer = context.confirm(question) else {
        throw Diagnostic.usage(
          "a size above 64T (\(Sizes.format(size))) needs --yes when fsh cannot ask",
          notes: ["check the unit (\(Sizes.unitsNote)); add --yes if it is meant"],
          range: context.range)
      }
      guard answer else { return context.inform("did not create '\(name.text)'") }
    }
    if name.text.contains("/") {
      context.warn(
        "Kubernetes rejects a datasetName containing '/'",
        notes: ["use datasetUUID for this dataset"])
    }
    // fsh's own id, so that a create whose answer was lost is recognised as ours when it is
    // tried again or found in the configuration (never "already exists" for our own create).
    let datasetID = id?.text ?? UUIDs.newV4()
    let result = try make(datasetID, context)
    guard wait else { return result }
    return try WaitCommand.outcome(of: datasetID, .attached, timeout: timeout, context: context)
  }

  /// The conditional create, tried again while the configuration changes under it.
  private func make(_ datasetID: String, _ context: CommandContext) throws -> CommandResult {
    try context.cluster { client -> CommandResult in
      // Whether a POST may have reached the service (its answer lost, or refused as ours).
      var sent = false
      // The last failure of the service itself (not a 412), when tries run out on it.
      var lastFault: ClientError?
      // Up to 20 tries, like Flocker's own conditional_create.
      for _ in 0..<20 {
        let view = try ClusterView.load(client)
        if let mine = view.datasets.first(where: { $0.configuration.datasetID == datasetID }) {
          guard sent, mine.configuration.name == name.text else {
            throw Diagnostic(
              "a dataset with id '\(datasetID)' already exists", code: .exists,
              notes: [
                "it is \(Whereabouts.name(mine)); leave 'id' out to get a new id"
              ], range: name.range)
          }
          return created(mine, view: view, context: context)
        }
        let target = try resolveNode(view)
        let twins = view.datasets.filter {
          !$0.configuration.deleted && $0.configuration.name == name.text
        }
        if !twins.isEmpty && !force {
          throw Diagnostic(
            "a dataset named '\(name.text)' already exists", code: .exists,
            notes: [
              "existing: "
                + twins.map { "\($0.configuration.datasetID) (\($0.status.rawValue))" }.joined(
                  separator: ", "),
              "Kubernetes finds datasets by name; add --force to create a second one anyway",
            ], range: name.range)
        }
        do {
          sent = true
          let made = try client.createDataset(
            primary: target.uuid, datasetID: datasetID, maximumSize: size, metadata: metadata,
            ifConfigurationMatches: view.tag)
          let v = DatasetView(
            configuration: made, state: nil, status: .pending,
            node: view.nodes.first { $0.uuid == made.primary })
          return created(v, view: view, context: context)
        } catch let e as ClientError where e.code == .precondition {
          try context.checkCancelled()
          continue  // Someone changed the configuration between our read and our create.
        } catch let e as ClientError
          where (e.code == .http && e.status == 409) || e.code == .connectionDropped
          || e.code == .serverError
        {
          // Ours went through and its answer was lost (409: the id exists), or the service
          // failed: the next read says which.
          try context.checkCancelled()
          lastFault = e
          if context.options.verbose {
            context.session.host?.trace(
              "* create '\(name.text)': \(e.message); reading the configuration again")
          }
          continue
        }
      }
      if let lastFault { throw Diagnostic(lastFault, verbose: context.options.verbose) }
      throw Diagnostic(
        "the configuration kept changing: gave up after 20 tries", code: .conflict,
        notes: ["something changes it constantly (lease churn?); try again, or use --force"])
    }
  }

  /// The result of a create, and its words for completion.
  func created(_ v: DatasetView, view: ClusterView, context: CommandContext) -> CommandResult {
    var words = view.completionWords
    words.datasets += [name.text, String(v.configuration.datasetID.prefix(8))]
    context.session.names.update(datasets: words.datasets, nodes: words.nodes)
    return CommandResult(v.value, .record)
  }

  func resolveNode(_ view: ClusterView) throws -> Node {
    do {
      return try view.node(node.text)
    } catch let e as ClusterView.LookupError {
      var d = Diagnostic(e)
      // A full UUID of a node that is not reporting is accepted by the API; say so instead.
      if UUIDs.isV4(node.text), d.code == .notFound {
        d.notes.insert(
          "the node '\(node.text)' is not reporting; start its agent first, or the dataset stays pending",
          at: 0)
      }
      d.range = node.range
      throw d
    }
  }
}

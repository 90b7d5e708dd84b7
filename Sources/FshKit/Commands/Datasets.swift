import Foundation
import FshClient
import FshLanguage

/// Dataset commands: list, show, create, destroy, move, wait.
enum Datasets {
  /// Table columns; `long` shows full ids.
  static func columns(long: Bool) -> [Column] {
    @Sendable func short(_ s: String) -> String { long ? s : String(s.prefix(8)) }
    return [
      Column("dataset_id", "DATASET", whole: long, cell: { short($0["dataset_id"]?.text ?? "") }),
      Column("name"),
      Column(
        "size", alignRight: true,
        cell: { row in
          if case .int(let n)? = row["size"] { return Sizes.format(n) }
          return "default"
        }),
      Column("status"),
      Column(
        "primary", "NODE", whole: long,
        cell: { row in
          func text(_ key: String) -> String? {
            if case .string(let s)? = row[key] { return s }
            return nil
          }
          return nodeCell(
            primary: text("primary"), host: text("host"), attached: text("attached_node"),
            attachedHost: text("attached_host"), long: long)
        }),
      Column("path"),
    ]
  }

  /// The NODE cell: the configured node with its host (or `not reporting`), and where the state
  /// has the dataset when that is another node: `A (host) → B (host)`.
  static func nodeCell(
    primary: String?, host: String?, attached: String?, attachedHost: String?, long: Bool
  ) -> String {
    func short(_ s: String) -> String { long ? s : ClusterView.shortID(s) }
    guard let p = primary else { return "-" }
    var configured = "\(short(p)) (not reporting)"
    if let h = host { configured = "\(short(p)) (\(h))" }
    guard let a = attached, a != p else { return configured }
    if let h = attachedHost { return "\(short(a)) (\(h)) → \(configured)" }
    return "\(short(a)) → \(configured)"
  }

  /// The cluster, one dataset of it (deleted ones too) and the leases: what `dataset` and
  /// `explain` read.
  static func loadWithLeases(_ context: CommandContext, _ ref: DatasetRef) throws -> (
    ClusterView, DatasetView, [Lease]
  ) {
    let view = try loadView(context)
    let v = try view.dataset(ref, includeDeleted: true)
    return (view, v, try context.cluster { try $0.leases() })
  }

  static func loadView(_ context: CommandContext) throws -> ClusterView {
    let view = try context.cluster { try ClusterView.load($0, timing: context.timing) }
    let words = view.completionWords
    context.session.names.update(datasets: words.datasets, nodes: words.nodes)
    let c = context.session.configuration
    context.session.sightings.observe(
      view, cluster: Sightings.key(host: c.host, port: c.port),
      at: Date().timeIntervalSince1970)
    return view
  }

  struct List: DeclaredCommand {
    @Arg(.keyword("status", "STATUS")) var status: DatasetStatus?
    @Arg(.node("on", "only datasets configured on, or attached to, this node")) var node: NodeRef?
    @Arg(.keyword("name", "PATTERN", "names matching a glob such as 'web-*'", completion: .dataset))
    var pattern: String?
    @Arg(.meta("metadata equal to a value (repeat for several)")) var meta: [MetadataPair]
    @Arg(["--deleted", "-d"], "include deleted datasets that are gone") var deleted: Bool
    @Arg(["--long", "-l"], "full dataset and node ids") var long: Bool
    static let help = CommandHelp(
      ["datasets"], aliases: [["ls"]], summary: "list datasets with their status, node and path",
      parameters: declared,
      unexpected: { List.unexpected($0) },
      discussion: """
        Status merges the configuration (where a dataset should be) with what the agents \
        report (where it is), claiming no more than the API shows: pending (configured, not \
        listed by any agent: being created, or attached but not mounted, which Flocker's state \
        can leave out), attached (mounted on its configured node), moving (mounted on another \
        node: NODE shows `A → B`), detached (reported without a node: attached but not mounted, \
        or not attached), unknown (not in the state and its configured node not reporting), \
        deleting (deleted, still reported), deleted (deleted and not listed). Everything that \
        may still hold a volume is listed; --deleted adds the deleted ones. Sorted by name, \
        then id.
        """,
      examples: [
        "datasets", "datasets status pending", "datasets on 265a0498 -o json",
        "for d in (datasets name 'db-*') { echo $d.path }",
      ])
    /// A bare word after `datasets` filters nothing: say which keyword was meant.
    static func unexpected(_ p: CommandArgument) -> Diagnostic {
      let word = p.text
      let fix: String
      if let choice = DatasetStatus.choices.first(where: { $0 == word.lowercased() }) {
        fix = "status \(choice)"
      } else if let near = Suggest.nearest(word, in: DatasetStatus.choices) {
        fix = "status \(near)"
      } else if word.allSatisfy({ $0.isNumber || $0 == "." || $0 == ":" }) {
        fix = "on \(word)"
      } else {
        fix = "name '\(word)'"
      }
      let keywords = help.options.filter { $0.kind == .keyword }.map(\.spelling)
      return Diagnostic.usage(
        "unexpected argument '\(word)' to '\(help.name)'",
        notes: [
          "did you mean '\(help.name) \(fix)'?",
          "filters are keywords: \(keywords.joined(separator: ", "))",
        ], range: p.range)
    }

    func run(in context: CommandContext) throws -> CommandResult {
      let columns = Datasets.columns(long: long)
      let filtered = status != nil || node != nil || pattern != nil || !meta.isEmpty
      let emptyNote = filtered ? "no datasets match" : "no datasets"
      // `FSH_PER_RECORD`: the general way, a view and a record per dataset (the bench and the
      // tests compare the listing with it).
      if context.session.environment.variables["FSH_PER_RECORD"] != nil {
        let view = try Datasets.loadView(context)
        let nodeID = try node.map { try view.node($0).uuid }
        let records = view.datasets.filter {
          keeps(
            $0.status, primary: $0.configuration.primary, attached: $0.attachedNode?.uuid,
            nodeID: nodeID, name: $0.configuration.name, id: $0.configuration.datasetID,
            metadata: $0.configuration.metadata)
        }.map(\.value)
        return CommandResult(.list(records), .table(columns), emptyNote: emptyNote)
      }
      let listing = try context.cluster { try DatasetListing.load($0, timing: context.timing) }
      context.session.names.update { listing.completionWords }
      let start = DispatchTime.now().uptimeNanoseconds
      let nodeID = try node.map {
        try ClusterView(configuration: [], state: [], nodes: listing.nodes, tag: nil).node($0).uuid
      }
      let rows: [Int32]
      if !filtered {
        rows = (0..<listing.count).compactMap { r in
          deleted || listing.statuses[r] != .deleted ? Int32(r) : nil
        }
      } else {
        rows = (0..<listing.count).compactMap { r in
          keeps(
            listing.statuses[r], primary: listing.primary(r),
            attached: listing.attachedNode(r)?.uuid, nodeID: nodeID, name: listing.name(r),
            id: listing.datasetID(r), metadata: meta.isEmpty ? [:] : listing.metadata(r))
            ? Int32(r) : nil
        }
      }
      let result = CommandResult(
        rows: DatasetRows(listing, rows: rows, columns: columns, long: long), columns: columns,
        emptyNote: emptyNote)
      context.timing?("filter rows", Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
      return result
    }

    /// Whether a dataset is listed (the one filter of both ways).
    func keeps(
      _ status: DatasetStatus, primary: String?, attached: String?, nodeID: String?,
      name: @autoclosure () -> String?, id: @autoclosure () -> String,
      metadata: @autoclosure () -> [String: String]
    ) -> Bool {
      if status == .deleted && !(deleted || self.status == .deleted) { return false }
      if let want = self.status, status != want { return false }
      if let nodeID, primary != nodeID && attached != nodeID { return false }
      if let pattern, !Glob.matches(pattern, name() ?? "") && !id().hasPrefix(pattern.lowercased())
      {
        return false
      }
      if !meta.isEmpty {
        let m = metadata()
        for pair in meta where m[pair.key] != pair.value { return false }
      }
      return true
    }
  }

  struct Show: DeclaredCommand {
    @Arg(.dataset) var ref: DatasetRef
    static let help = CommandHelp(
      ["dataset"], summary: "show everything known about one dataset",
      parameters: declared)
    func run(in context: CommandContext) throws -> CommandResult {
      let (view, v, leases) = try Datasets.loadWithLeases(context, ref)
      guard case .record(var r) = v.value else { return CommandResult(v.value, .record) }
      let seen = context.session.sightings
      r["lease"] = v.lease(in: leases).map { Datasets.leaseValue($0, of: v, view: view) } ?? .null
      r["where"] = .string(Whereabouts.describe(v, seen: seen))
      // A configured node that left the node list: the host fsh last saw it report.
      if v.node == nil, let primary = v.configuration.primary, let host = seen.host(primary) {
        r["host"] = .string(host)
      }
      if v.state == nil, let l = seen.lastListed(v.configuration.datasetID) {
        r["last_listed"] = .record(
          Record([
            ("time", .string(Sightings.clock(l.time))), ("node", .from(l.node)),
            ("host", .from(l.node.flatMap(seen.host))),
          ]))
      }
      r["blockers"] = .list(
        v.blockers(
          leases: leases, nodes: view.nodes,
          lastMountedOn: seen.lastListed(v.configuration.datasetID)?.node
        ).map {
          Whereabouts.value($0, ref: ref.text, view: view, seen: seen)
        })
      if let name = v.configuration.name {
        let twins = view.datasets.filter {
          !$0.configuration.deleted && $0.configuration.name == name
            && $0.configuration.datasetID != v.configuration.datasetID
        }
        if !twins.isEmpty {
          r["same_name"] = .list(twins.map { .string($0.configuration.datasetID) })
          context.warn(
            "\(twins.count + 1) live datasets are named '\(name)'; Kubernetes' datasetName picks one of them silently",
            notes: ["use datasetUUID in the pod or volume spec"])
        }
      }
      if v.configuration.maximumSize == nil {
        r["size_note"] = .string("no size: block backends create 75G (not the 100G the docs say)")
      }
      return CommandResult(.record(r), .record)
    }
  }
}

extension Datasets {
  /// A lease inside a dataset record: the holding node, the remaining seconds (null: never),
  /// and whether it stops the dataset now, with why.
  static func leaseValue(_ lease: Lease, of v: DatasetView, view: ClusterView) -> Value {
    .record(
      Record([
        ("node", .string(lease.nodeUUID)),
        ("host", .from(view.nodes.first { $0.uuid == lease.nodeUUID }?.host)),
        ("expires", NodesAndLeases.expiry(lease.expires)),
        ("blocking", .bool(v.isBlocked(by: lease))),
        ("why", .string(leaseEffect(lease, of: v))),
      ]))
  }

  /// What a lease does to this dataset now, in a clause (upstream: an agent keeps a leased
  /// volume mounted only where it has mounted it; it detaches and destroys any other).
  static func leaseEffect(_ lease: Lease, of v: DatasetView) -> String {
    if v.isBlocked(by: lease) {
      return "the volume is mounted on the holder and has to leave it: its agent keeps it mounted"
    }
    if v.state?.primary == lease.nodeUUID {
      return "the volume is mounted on the holder, where the configuration wants it: the lease "
        + "keeps it there"
    }
    return "not blocking: the volume is not mounted on the holder, and a lease keeps only a "
      + "mounted volume mounted"
  }
}

extension ClusterView {
  /// Finds a dataset named by an argument; a failure points at the argument.
  func dataset(_ a: CommandArgument, includeDeleted: Bool = false) throws -> DatasetView {
    do { return try dataset(a.text, includeDeleted: includeDeleted) } catch let e as LookupError {
      var d = Diagnostic(e)
      d.range = a.range
      throw d
    }
  }

  func dataset(_ r: DatasetRef, includeDeleted: Bool = false) throws -> DatasetView {
    try dataset(r.argument, includeDeleted: includeDeleted)
  }

  func node(_ r: NodeRef) throws -> Node { try node(r.argument) }

  /// Finds a node named by an argument; a failure points at the argument.
  func node(_ a: CommandArgument) throws -> Node {
    do { return try node(a.text) } catch let e as LookupError {
      var d = Diagnostic(e)
      d.range = a.range
      throw d
    }
  }
}

/// `k=v` metadata pairs, checked against the API's limits before sending.
enum Metadata {
  static func pair(_ a: CommandArgument) throws -> (String, String) {
    let t = a.text
    guard let eq = t.firstIndex(of: "="), eq != t.startIndex else {
      throw Diagnostic.usage(
        "invalid metadata '\(t)'", notes: ["write KEY=VALUE, e.g. meta team=storage"],
        range: a.range)
    }
    let k = String(t[..<eq])
    let v = String(t[t.index(after: eq)...])
    // The server counts Unicode code points (Python 2 unicode lengths), not characters.
    guard k.unicodeScalars.count <= 256 else {
      throw Diagnostic.usage(
        "metadata key '\(k.prefix(20))…' is longer than 256 characters",
        notes: ["the API allows 256 Unicode code points"], range: a.range)
    }
    guard !k.contains(where: \.isNewline) else {
      throw Diagnostic.usage(
        "metadata key '\(k.prefix(20))' contains a line break",
        notes: ["the API's key pattern '^.{1,256}$' allows none"], range: a.range)
    }
    guard v.unicodeScalars.count <= 256 else {
      throw Diagnostic.usage(
        "metadata value for '\(k)' is longer than 256 characters",
        notes: ["the API allows 256 Unicode code points"],
        range: a.range)
    }
    return (k, v)
  }
}

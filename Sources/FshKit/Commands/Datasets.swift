import Foundation

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
          guard case .string(let p)? = row["primary"] else { return "-" }
          if case .string(let h)? = row["host"] { return "\(short(p)) (\(h))" }
          return "\(short(p)) (not reporting)"
        }),
      Column("path"),
    ]
  }

  static func loadView(_ context: CommandContext) throws -> ClusterView {
    let view = try context.cluster { try ClusterView.load($0, timing: context.timing) }
    let words = view.completionWords
    context.session.names.update(datasets: words.datasets, nodes: words.nodes)
    return view
  }

  struct List: Command {
    static let help = CommandHelp(
      ["datasets"], aliases: [["ls"]], summary: "list datasets with their status, node and path",
      usage: "[status S] [on NODE] [name PATTERN] [meta K=V …] [--deleted] [-l]",
      options: [
        OptionHelp(
          ["status"], "STATUS", "pending, attached, detached, deleting or deleted",
          completion: .values(DatasetStatus.allCases.map(\.rawValue))),
        OptionHelp(["on"], "NODE", "only datasets whose primary is this node", completion: .node),
        OptionHelp(
          ["name"], "PATTERN", "names matching a glob such as 'web-*'", completion: .dataset),
        OptionHelp(["meta"], "K=V", "metadata equal to a value (repeat for several)"),
        OptionHelp(["--deleted", "-d"], nil, "include deleted datasets"),
        OptionHelp(["--long", "-l"], nil, "full dataset and node ids"),
      ],
      discussion: """
        Status merges the configuration with what the agents report: pending (configured, not yet \
        in the state), attached (on a reporting node), detached (exists, attached nowhere), \
        deleting, deleted. Sorted by name, then id.
        """,
      examples: [
        "datasets", "datasets status pending", "datasets on 265a0498 -o json",
        "for d in (datasets name 'db-*') { echo $d.path }",
      ],
      usesCluster: true)
    var status: DatasetStatus?
    var node: String?
    var pattern: String?
    var meta: [(String, String)] = []
    var deleted: Bool
    var long: Bool
    init(arguments: inout Arguments) throws {
      deleted = arguments.flag("--deleted", "-d")
      long = arguments.flag("--long", "-l")
      if let s = try arguments.keyword("status") {
        status = DatasetStatus(
          rawValue: try arguments.choice(
            s, name: "status", from: DatasetStatus.allCases.map(\.rawValue)))
      }
      node = try arguments.keyword("on")?.text
      pattern = try arguments.keyword("name")?.text
      if let m = arguments.keywordList("meta", stops: ["status", "on", "name"]) {
        meta = try m.map { try Metadata.pair($0) }
      }
      if let p = try arguments.optionalPositional() {
        throw List.unexpected(p)
      }
    }
    /// A bare word after `datasets` filters nothing: say which keyword was meant.
    static func unexpected(_ p: CommandArgument) -> Diagnostic {
      let word = p.text
      let fix: String
      if DatasetStatus(rawValue: word.lowercased()) != nil {
        fix = "status \(word.lowercased())"
      } else if let near = Suggest.nearest(word, in: DatasetStatus.allCases.map(\.rawValue)) {
        fix = "status \(near)"
      } else if word.allSatisfy({ $0.isNumber || $0 == "." || $0 == ":" }) {
        fix = "on \(word)"
      } else {
        fix = "name '\(word)'"
      }
      return Diagnostic.usage(
        "unexpected argument '\(word)' to 'datasets'",
        notes: [
          "did you mean 'datasets \(fix)'?",
          "filters are keywords: status STATUS, on NODE, name PATTERN, meta K=V",
        ], range: p.range)
    }

    func run(in context: CommandContext) throws -> CommandResult {
      let view = try Datasets.loadView(context)
      var nodeID: String? = nil
      if let node { nodeID = try view.node(node).uuid }
      let showDeleted = deleted || status == .deleted || status == .deleting
      let start = DispatchTime.now().uptimeNanoseconds
      let rows = view.datasets.filter { v in
        let c = v.configuration
        if c.deleted && !showDeleted { return false }
        if let status, v.status != status { return false }
        if let nodeID, c.primary != nodeID { return false }
        if let pattern,
          !Glob.matches(pattern, c.name ?? "") && !c.datasetID.hasPrefix(pattern.lowercased())
        {
          return false
        }
        for (k, val) in meta where c.metadata[k] != val { return false }
        return true
      }.map(\.value)
      context.timing?("build records", Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
      return CommandResult(.list(rows), .table(Datasets.columns(long: long)))
    }
  }

  struct Show: Command {
    static let help = CommandHelp(
      ["dataset"], summary: "show everything known about one dataset", usage: "NAME|ID",
      arguments: [ParameterHelp("DATASET", "a name or a unique id prefix", completion: .dataset)],
      usesCluster: true)
    var ref: CommandArgument
    init(arguments: inout Arguments) throws {
      ref = try arguments.positional("a dataset name or id")
    }
    func run(in context: CommandContext) throws -> CommandResult {
      let view = try Datasets.loadView(context)
      let v = try view.dataset(ref, includeDeleted: true)
      let leases = try context.cluster { try $0.leases() }
      guard case .record(var r) = v.value else { return CommandResult(v.value, .record) }
      if let l = leases.first(where: { $0.datasetID == v.configuration.datasetID }) {
        r["lease"] = .record(
          Record([("node", .string(l.nodeUUID)), ("expires", NodesAndLeases.expiry(l.expires))]))
      } else {
        r["lease"] = .null
      }
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

extension ClusterView {
  /// Finds a dataset named by an argument; a failure points at the argument.
  func dataset(_ a: CommandArgument, includeDeleted: Bool = false) throws -> DatasetView {
    do { return try dataset(a.text, includeDeleted: includeDeleted) } catch var d as Diagnostic {
      d.range = a.range
      throw d
    }
  }

  /// Finds a node named by an argument; a failure points at the argument.
  func node(_ a: CommandArgument) throws -> Node {
    do { return try node(a.text) } catch var d as Diagnostic {
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
    guard k.count <= 256 else {
      throw Diagnostic.usage(
        "metadata key '\(k.prefix(20))…' is longer than 256 characters", range: a.range)
    }
    guard v.count <= 256 else {
      throw Diagnostic.usage(
        "metadata value for '\(k)' is longer than 256 characters", notes: ["the API allows 256"],
        range: a.range)
    }
    return (k, v)
  }
}

import Foundation
import FshClient
import FshLanguage
import FshModel
import FshRuntime

struct DatasetsCommand: DeclaredCommand {
  @Arg(.keyword("status", "STATUS")) var status: DatasetStatus?
  @Arg(.node("on", "only datasets configured on, or attached to, this node")) var node: NodeRef?
  @Arg(.keyword("name", "PATTERN", "names matching a glob such as 'web-*'", completion: .dataset))
  var pattern: String?
  @Arg(.meta("metadata equal to a value (repeat for several)")) var meta: [MetadataPair]
  @Arg(["--deleted", "-d"], "include deleted datasets that are gone") var deleted: Bool
  @Arg(["--long", "-l"], "full dataset and node ids") var long: Bool
  @Arg(.watch) var watch: Bool
  @Arg(.every) var every: Seconds?
  @Arg(.until) var until: WatchGoal?
  @Arg(.watchTimeout) var timeout: Seconds?
  static let help = CommandHelp(
    ["datasets"], aliases: [["ls"]], summary: "list datasets with their status, node and path",
    parameters: declared,
    unexpected: { DatasetsCommand.unexpected($0) },
    discussion: """
      Status merges the configuration (where a dataset should be) with what the agents \
      report (where it is), claiming no more than the API shows: pending (configured, not \
      listed by any agent: being created, or attached but not mounted, which Flocker's state \
      can leave out), attached (mounted on its configured node), moving (mounted on another \
      node: NODE shows `A → B`), detached (reported without a node: attached but not mounted, \
      or not attached), unknown (not in the state and its configured node not reporting), \
      deleting (deleted, still reported), deleted (deleted and not listed). Everything that \
      may still hold a volume is listed; --deleted adds the deleted ones. Sorted by name, \
      then id. With --watch it keeps reading: on a terminal the table \
      is redrawn in place, changed rows marked, with how long each has been in its status; \
      elsewhere one line per change, starting with the current state.
      """,
    examples: [
      "datasets", "datasets status pending", "datasets on 265a0498 -o json",
      "for d in (datasets name 'db-*') { echo $d.path }",
      "datasets on 10.0.0.1 --watch --until converged --timeout 10m",
      "datasets --watch -o json | jq -c 'select(.change == \"status\")'",
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

  mutating func validate(_ arguments: Arguments) throws {
    try Watch.check(watch: watch, every: every, until: until, timeout: timeout, arguments)
  }

  func run(in context: CommandContext) throws -> CommandResult {
    let columns = Datasets.columns(long: long)
    if watch {
      return try DatasetWatch(
        every: every?.seconds ?? 2, until: until, timeout: timeout?.seconds, columns: columns
      ) { try selected($0) }.run(context)
    }
    let filtered = status != nil || node != nil || pattern != nil || !meta.isEmpty
    let emptyNote = filtered ? "no datasets match" : "no datasets"
    // `FSH_PER_RECORD`: the general way, a view and a record per dataset (the bench and the
    // tests compare the listing with it).
    if context.session.environment.variables["FSH_PER_RECORD"] != nil {
      let records = try selected(Datasets.loadView(context)).map(\.value)
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

  /// The datasets of a view the filters keep (the per-record way and the watch).
  func selected(_ view: ClusterView) throws -> [DatasetView] {
    let nodeID = try node.map { try view.node($0).uuid }
    return view.datasets.filter {
      keeps(
        $0.status, primary: $0.configuration.primary, attached: $0.attachedNode?.uuid,
        nodeID: nodeID, name: $0.configuration.name, id: $0.configuration.datasetID,
        metadata: $0.configuration.metadata)
    }
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
    if let pattern, !Glob.matches(pattern, name() ?? "") && !id().hasPrefix(pattern.lowercased()) {
      return false
    }
    if !meta.isEmpty {
      let m = metadata()
      for pair in meta where m[pair.key] != pair.value { return false }
    }
    return true
  }
}

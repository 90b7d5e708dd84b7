import Foundation
import FshClient
import FshLanguage
import FshModel
import FshRuntime

struct DatasetCommand: DeclaredCommand {
  @Arg(.dataset) var ref: DatasetRef
  @Arg(.watch) var watch: Bool
  @Arg(.every) var every: Seconds?
  @Arg(.until) var until: WatchGoal?
  @Arg(.watchTimeout) var timeout: Seconds?
  static let help = CommandHelp(
    ["dataset"], summary: "show everything known about one dataset",
    parameters: declared,
    discussion: """
      The dataset's record: configuration, state, lease, where it is in words (with what this \
      session saw change: since when, and where it moved from), blockers. With --watch, its \
      row is read again every 2s (--every) as `datasets --watch` does.
      """,
    examples: ["dataset db", "dataset db --watch --until converged --timeout 5m"])

  mutating func validate(_ arguments: Arguments) throws {
    try Watch.check(watch: watch, every: every, until: until, timeout: timeout, arguments)
  }

  func run(in context: CommandContext) throws -> CommandResult {
    if watch {
      let id = try Datasets.loadView(context).dataset(ref, includeDeleted: true).configuration
        .datasetID
      return try DatasetWatch(
        every: every?.seconds ?? 2, until: until, timeout: timeout?.seconds,
        columns: Datasets.columns(long: false)
      ) { view in view.datasets.filter { $0.configuration.datasetID == id } }.run(context)
    }
    let (view, v, leases) = try Datasets.loadWithLeases(context, ref)
    guard case .record(var r) = v.value else { return CommandResult(v.value, .record) }
    let seen = context.session.sightings
    r["lease"] = v.lease(in: leases).map { Datasets.leaseValue($0, of: v, view: view) } ?? .null
    r["where"] = .string(Whereabouts.describe(v, seen: seen) + Whereabouts.history(v, seen: seen))
    // Since when its status holds, when this session saw it change (null: not seen changing).
    r["since"] =
      seen.seen(v.configuration.datasetID).flatMap {
        $0.sinceFirstRead || $0.status != v.status ? nil : Value.string(Sightings.clock($0.since))
      } ?? .null
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

import Foundation
import FshClient
import FshLanguage
import FshModel
import FshRuntime

struct DatasetCommand: DeclaredCommand {
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

import Foundation
import FshClient
import FshLanguage
import FshModel
import FshRuntime

struct LeaseAcquireCommand: DeclaredCommand {
  @Arg(.dataset) var ref: DatasetRef
  @Arg(.node("on", "the node that holds the lease")) var node: NodeRef
  @Arg(.duration("for", "expire after this long (default: never)", label: "duration"))
  var duration: Seconds?
  static let help = CommandHelp(
    ["lease", "acquire"], summary: "acquire or renew a lease on a dataset for a node",
    parameters: declared,
    examples: ["lease acquire db on 10.0.0.3 for 10m"])
  func run(in context: CommandContext) throws -> CommandResult {
    // What this changes is not written into the reusable read (`RecentRead`): drop it.
    defer { Datasets.forgetRecent(context) }
    let view = try Datasets.loadView(context)
    let d = try view.dataset(ref)
    let n = try view.node(node)
    let (lease, renewed) = try context.cluster { client in
      do {
        return try client.acquireLease(
          datasetID: d.configuration.datasetID, nodeUUID: n.uuid, expires: duration?.seconds)
      } catch let e as ClientError where e.code == .http && e.status == 409 {
        // Another node holds it: say which, and how to take it over.
        let holder = try? client.leases().first { $0.datasetID == d.configuration.datasetID }
        guard let holder else { throw e }
        let expiry = holder.expires.map { "for another \(Durations.format(max(0, $0)))" }
        throw Diagnostic(
          "'\(ref.text)' is already leased by node "
            + Whereabouts.label(uuid: holder.nodeUUID, in: view) + " "
            + (expiry ?? "with no expiry"), code: .leased,
          notes: [
            "a dataset has one lease at a time; release it first: lease release "
              + Whereabouts.quote(ref.text)
          ], range: ref.range)
      }
    }
    if renewed { context.note("renewed the lease held by \(n.uuid.prefix(8))") }
    return CommandResult(NodesAndLeases.leaseRow(lease, view), .record)
  }
}

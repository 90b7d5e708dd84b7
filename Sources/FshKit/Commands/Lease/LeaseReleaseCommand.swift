import Foundation
import FshClient
import FshLanguage
import FshModel
import FshRuntime

struct LeaseReleaseCommand: DeclaredCommand {
  @Arg(.dataset) var ref: DatasetRef
  static let help = CommandHelp(
    ["lease", "release"], summary: "release the lease on a dataset, whichever node holds it",
    parameters: declared,
    discussion:
      "Shows the lease that was released, with `status: released` instead of when it would have expired."
  )
  func run(in context: CommandContext) throws -> CommandResult {
    // What this changes is not written into the reusable read (`RecentRead`): drop it.
    defer { Datasets.forgetRecent(context) }
    let view = try Datasets.loadView(context)
    let d = try view.dataset(ref, includeDeleted: true)
    let lease = try context.cluster { try $0.releaseLease(datasetID: d.configuration.datasetID) }
    // The lease is gone: not `expires: never`, which reads as a lease held for ever.
    var row = NodesAndLeases.leaseRow(lease, view)
    if case .record(var r) = row {
      r["expires"] = nil
      r["status"] = .string("released")
      row = .record(r)
    }
    return CommandResult(row, .record)
  }
}

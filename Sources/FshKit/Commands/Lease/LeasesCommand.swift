import Foundation
import FshClient
import FshLanguage
import FshModel
import FshRuntime

struct LeasesCommand: DeclaredCommand {
  @Arg(["--long", "-l"], "full dataset and node ids") var long: Bool
  static let help = CommandHelp(
    ["leases"], summary: "list leases: which node holds which dataset, and for how long",
    parameters: declared,
    discussion:
      "A lease keeps a volume mounted on the node holding it, while it is mounted there: its agent then does not unmount it for a move or a delete. It does nothing else (a volume only attached, or not attached, is still detached and destroyed) and it does not block API calls. EXPIRES is a duration from now (in JSON: seconds, null for never)."
  )
  func run(in context: CommandContext) throws -> CommandResult {
    let view = try Datasets.loadView(context)
    let leases = try context.cluster { try $0.leases() }
    let rows = leases.sorted { $0.datasetID < $1.datasetID }.map {
      NodesAndLeases.leaseRow($0, view)
    }
    return CommandResult(
      .list(rows),
      .table([
        Column(
          "dataset_id", "DATASET", whole: long,
          cell: {
            long ? $0["dataset_id"]?.text ?? "" : String(($0["dataset_id"]?.text ?? "").prefix(8))
          }),
        Column("name"),
        Column(
          "node_uuid", "NODE", whole: long,
          cell: { r in
            let full = r["node_uuid"]?.text ?? ""
            let id = long ? full : String(full.prefix(8))
            if case .string(let h)? = r["host"] { return "\(id) (\(h))" }
            return id
          }),
        Column("expires"),
      ]),
      emptyNote: "no leases")
  }
}

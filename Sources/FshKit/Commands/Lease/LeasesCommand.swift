import Foundation
import FshClient
import FshLanguage
import FshModel
import FshRuntime

struct LeasesCommand: DeclaredCommand {
  @Arg(["--long", "-l"], "full dataset and node ids") var long: Bool
  @Arg(.watch) var watch: Bool
  @Arg(.every) var every: Seconds?
  static let help = CommandHelp(
    ["leases"], summary: "list leases: which node holds which dataset, and for how long",
    parameters: declared,
    discussion: """
      A lease keeps a volume mounted on the node holding it, while it is mounted there: its \
      agent then does not unmount it for a move or a delete. It does nothing else (a volume \
      only attached, or not attached, is still detached and destroyed) and it does not block \
      API calls. EXPIRES is a duration from now (in JSON: seconds, null for never). With \
      --watch the list is read every 2s (--every): redrawn in place on a terminal, else a line \
      per lease listed, added, removed or changed (another holder, or an expiry set or \
      cleared), as JSON with -o json.
      """,
    examples: ["leases", "leases --watch"])

  mutating func validate(_ arguments: Arguments) throws {
    try Watch.check(watch: watch, every: every, arguments)
  }

  func run(in context: CommandContext) throws -> CommandResult {
    if watch {
      return try Watch.list(every: every, columns: columns, noun: "lease", context) {
        let (leases, rows) = try read(context)
        // The holder and whether it expires: the countdown itself is no change.
        return zip(leases, rows).map { l, r in
          (
            l.datasetID,
            "\(r["name"]?.text ?? String(l.datasetID.prefix(8))) held by "
              + "\(r["host"]?.text ?? String(l.nodeUUID.prefix(8)))"
              + (l.expires == nil ? " (no expiry)" : " (expiring)"), r
          )
        }
      }
    }
    return CommandResult(.list(try read(context).rows), .table(columns), emptyNote: "no leases")
  }

  /// The leases by dataset id, and their records.
  private func read(_ context: CommandContext) throws -> (leases: [Lease], rows: [Value]) {
    let view = try Datasets.loadView(context)
    let leases = try context.cluster { try $0.leases() }.sorted { $0.datasetID < $1.datasetID }
    return (leases, leases.map { NodesAndLeases.leaseRow($0, view) })
  }

  var columns: [Column] {
    let long = self.long
    return [
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
    ]
  }
}

import Foundation
import FshClient
import FshLanguage
import FshModel
import FshRuntime

struct NodesCommand: DeclaredCommand {
  @Arg(["--long", "-l"], "full node ids") var long: Bool
  @Arg(.watch) var watch: Bool
  @Arg(.every) var every: Seconds?
  static let help = CommandHelp(
    ["nodes"], summary: "list the nodes whose agents report to the control service",
    parameters: declared,
    discussion: """
      A node appears only while its agent is connected (state expires after 120 s). Two nodes \
      with one UUID, or one UUID flipping between hosts, mean a copied node.crt. With --watch \
      the list is read every 2s (--every): redrawn in place on a terminal, else a line per node \
      listed, added, removed or changed (its host or counts), as JSON with -o json.
      """,
    examples: ["nodes", "nodes --watch --every 5s"])

  mutating func validate(_ arguments: Arguments) throws {
    try Watch.check(watch: watch, every: every, arguments)
  }

  func run(in context: CommandContext) throws -> CommandResult {
    if watch {
      return try Watch.list(every: every, columns: columns, noun: "node", context) {
        try self.rows(Datasets.loadView(context)).map { r in
          let uuid = r["uuid"]?.text ?? ""
          return (
            uuid,
            "\(r["host"]?.text ?? "") (\(uuid.prefix(8))) \(r["attached"]?.text ?? "0") attached, "
              + "\(r["datasets"]?.text ?? "0") configured", r
          )
        }
      }
    }
    let view = try Datasets.loadView(context)
    let rows = rows(view)
    let hosts = Dictionary(grouping: view.nodes, by: \.host).filter { $0.value.count > 1 }
    for (h, ns) in hosts {
      context.warn(
        "\(ns.count) nodes report host \(h)",
        notes: ["each node needs its own node certificate; a copied node.crt makes nodes collide"]
      )
    }
    if rows.isEmpty {
      context.note(
        "no node is reporting: are the dataset agents running and pointed at this control service?"
      )
    }
    return CommandResult(.list(rows), .table(columns), emptyNote: "")
  }

  /// A record per reporting node, with how many datasets are attached to and configured on it.
  func rows(_ view: ClusterView) -> [Value] {
    var attached: [String: Int] = [:]
    var configured: [String: Int] = [:]
    for d in view.datasets {
      if let p = d.state?.primary { attached[p, default: 0] += 1 }
      if d.configuration.deleted { continue }
      if let p = d.configuration.primary { configured[p, default: 0] += 1 }
    }
    return view.nodes.map { n -> Value in
      .record(
        Record([
          ("uuid", .string(n.uuid)), ("host", .string(n.host)),
          ("attached", .int(attached[n.uuid] ?? 0)), ("datasets", .int(configured[n.uuid] ?? 0)),
        ]))
    }
  }

  var columns: [Column] {
    let long = self.long
    return [
      Column(
        "uuid", "NODE", whole: long,
        cell: { long ? $0["uuid"]?.text ?? "" : String(($0["uuid"]?.text ?? "").prefix(8)) }),
      Column("host", whole: true), Column("attached", alignRight: true),
      Column("datasets", "CONFIGURED", alignRight: true),
    ]
  }
}

import Foundation
import FshClient
// embed-demo: runs an fsh script inside this program, with a command of its own.
//
// It reads its cluster the way fsh does (FLOCKER_* variables, profiles, cluster.yml), so
// `eval "$(fsh sandbox serve …)"`'s output is all it needs. Usage: embed-demo [SCRIPT-TEXT]
import FshKit
import FshModel
import FshRuntime

/// A command of this program: `capacity [on NODE]` adds up the configured size of datasets.
struct Capacity: DeclaredCommand {
  /// Its one declaration: the parameter, its help and completion, and the typed value.
  @Arg(.keyword("on", "NODE", "only datasets whose primary is this node", completion: .node))
  var node: String?

  static let help = CommandHelp(
    ["capacity"], summary: "add up the configured size of the live datasets",
    parameters: declared)

  func run(in context: CommandContext) throws -> CommandResult {
    // Reuse a built-in command's logic through the language itself.
    let all = try context.cluster { client in try ClusterView.load(client) }
    let nodeID = try node.map { try all.node($0).uuid }
    let live = all.datasets.filter {
      !$0.configuration.deleted && (nodeID == nil || $0.configuration.primary == nodeID)
    }
    let bytes = live.compactMap(\.configuration.maximumSize).reduce(0, +)
    let record = Record([
      ("datasets", .int(live.count)), ("bytes", .int(bytes)),
      ("human", .string(Sizes.format(bytes))),
    ])
    return CommandResult(.record(record), .record)
  }
}

let host = CollectingHost()
let session = Session(host: host)
session.register(Capacity.self)

let script =
  CommandLine.arguments.dropFirst().first ?? """
    let before = capacity
    let ds = create embed-demo-\(ProcessInfo.processInfo.processIdentifier) 1G on (nodes).0.uuid
    wait $ds attached timeout 30s
    let after = capacity
    echo "capacity grew from $before.human to $after.human"
    help capacity
    capacity on nosuchnode
    """
let outcome = session.run(script, name: "<embed-demo>")

// Structured results: nothing was printed by the library; this program decides.
for result in host.results {
  print(ResultFormatter().render(result, format: .table), terminator: "")
}
for value in outcome.values {
  if case .record(let r) = value, r["datasets"] != nil {
    print("a capacity value: \(JSON.encode(value, pretty: false))")
  }
}
if let d = outcome.stoppedBy {
  print(
    "stopped at line \(d.range?.start.line ?? 0), column \(d.range?.start.column ?? 0): \(d.message) [\(d.code.rawValue)]"
  )
  if !d.notes.isEmpty { print("notes: \(d.notes.joined(separator: "; "))") }
}
print("status \(outcome.status)")
exit(outcome.status == 0 || outcome.status == 1 ? 0 : 2)

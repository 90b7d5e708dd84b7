import Foundation
import FshClient
import FshLanguage
import FshModel
import FshRuntime

struct MoveCommand: DeclaredCommand {
  @Arg(.dataset) var ref: DatasetRef
  @Arg(.node("to", "the new primary: a unique id prefix or its host IP")) var target: NodeRef
  @Arg(.waitFlag("attached on the new node")) var wait: Bool
  @Arg(.waitTimeout) var timeout: Seconds?
  static let help = CommandHelp(
    ["move"], summary: "move a dataset to another node",
    parameters: declared,
    discussion: """
      The agents unmount and detach it on the old node, then attach and mount it on the new \
      one; until then its status is moving (--wait, or `wait NAME attached`, waits for the \
      end). A lease \
      held by the old node, where the volume is mounted, stops the move there until the lease \
      is released or expires: the request is accepted all the same, and fsh warns.
      """,
    examples: ["move db to 10.0.0.3", "move $ds to 4f2a", "move db to 10.0.0.3 --wait timeout 5m"])
  func run(in context: CommandContext) throws -> CommandResult {
    var (read, reused) = try Datasets.recentView(context)
    while true {
      let v = try read.uniquelyNamed(ref.text) ?? read.view.dataset(ref)
      let node = try read.view.node(target)
      if v.configuration.primary == node.uuid {
        context.note("'\(ref.text)' is already configured on \(node.uuid.prefix(8)) (\(node.host))")
      }
      _ = context.inform(
        "moving dataset \(v.configuration.name.map { "'\($0)' " } ?? "")\(v.configuration.datasetID) "
          + "to node \(node.uuid) (\(node.host))")
      let leases = try Datasets.recentLeases(read, context)
      // A reused read may be stale: the API refuses a dataset deleted since (405) or gone
      // (404), and then the lists are read again and the name resolved anew.
      let moved: DatasetConfiguration? = try context.cluster { client in
        do {
          return try client.moveDataset(v.configuration.datasetID, to: node.uuid)
        } catch let e as ClientError
          where reused && e.code == .http && [404, 405].contains(e.status)
        {
          return nil
        }
      }
      guard let moved else {
        (read, reused) = try Datasets.recentView(context, reuse: false)
        continue
      }
      var out = v
      out.configuration = moved
      out.node = node
      out.status = ClusterView.status(moved, state: v.state, configuredNodeReporting: true)
      Datasets.warnIfLeased(out, leases: leases, view: read.view, ref: ref.text, context: context)
      read.moved(moved, to: node)
      if wait {
        return try WaitCommand.outcome(
          of: v.configuration.datasetID, .attached, on: node.uuid, timeout: timeout,
          context: context)
      }
      return CommandResult(out.value, .record)
    }
  }
}

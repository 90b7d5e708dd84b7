import Foundation
import FshClient
import FshLanguage
import FshModel
import FshRuntime

struct DestroyCommand: DeclaredCommand {
  @Arg(.dataset) var ref: DatasetRef
  @Arg(["--yes", "-y"], "do not ask (needed in scripts)") var yes: Bool
  @Arg(.waitFlag("deleted")) var wait: Bool
  @Arg(.waitTimeout) var timeout: Seconds?
  static let help = CommandHelp(
    ["destroy"], summary: "delete a dataset (asks first on a terminal)",
    parameters: declared,
    discussion: """
      The dataset stays in the configuration marked deleted; its agent unmounts, detaches and \
      destroys the volume (status deleting, then deleted). A lease held by the node where the \
      volume is mounted keeps it mounted there until the lease is released or expires (fsh \
      warns); a lease anywhere else does not stop the deletion, as in Flocker. --wait waits \
      until the state has not listed it for the settle window, as `wait NAME deleted` does.
      """,
    examples: ["destroy old-data", "destroy $ds --yes --wait timeout 5m"])
  func run(in context: CommandContext) throws -> CommandResult {
    // What this changes is not written into the reusable read (`RecentRead`): drop it.
    defer { Datasets.forgetRecent(context) }
    let view = try Datasets.loadView(context)
    let v = try view.dataset(ref)
    let label = "\(v.configuration.name.map { "'\($0)' " } ?? "")\(v.configuration.datasetID)"
    if !yes {
      guard let answer = context.confirm("destroy dataset \(label) and its data?") else {
        throw Diagnostic.usage(
          "'destroy' needs --yes when it cannot ask",
          notes: ["add --yes: destroy \(ref.text) --yes"], range: ref.range)
      }
      guard answer else { return context.inform("kept \(label)") }
    }
    _ = context.inform("destroying dataset \(label)")
    let leases = try context.cluster { try $0.leases() }
    let deleted = try context.cluster {
      try $0.deleteDataset(v.configuration.datasetID, ifConfigurationMatches: nil)
    }
    var out = v
    out.configuration = deleted
    out.status = ClusterView.status(
      deleted, state: v.state, configuredNodeReporting: v.node != nil)
    Datasets.warnIfLeased(out, leases: leases, view: view, ref: ref.text, context: context)
    if wait {
      return try WaitCommand.outcome(
        of: v.configuration.datasetID, .deleted, timeout: timeout, context: context)
    }
    return CommandResult(out.value, .record)
  }
}

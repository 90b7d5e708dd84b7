import Foundation
import FshClient
import FshFiles
import FshKit
import FshLanguage
import FshModel
import FshRuntime
import FshSandboxProtocol

/// The `rehearse` command inside a session (registered by the executable: the library knows
/// nothing of the sandbox).
struct RehearseCommand: DeclaredCommand {
  @Arg(.positional("SCRIPT", "the .fsh script to rehearse", completion: .file))
  var script: CommandArgument
  @Arg(.positional("ARGS", "its arguments ($1, $2, …)")) var arguments: [String]
  static let help = CommandHelp(
    ["rehearse"],
    summary: "run a script against a throwaway copy of this cluster and show the plan",
    parameters: declared,
    discussion: """
      Reads the cluster with GET requests only (configuration, state, nodes, leases, version), \
      starts a private sandbox holding exactly that (the same ids, names, sizes, nodes, leases \
      and half-finished moves), runs the script there with its arguments, and shows the plan: \
      every change the script asked for, in order, as fsh commands, the difference between the \
      datasets before and after, and the files it would have written (they went to a throwaway \
      folder). Nothing but reads reaches the cluster. `fsh --rehearse SCRIPT` does the same \
      from the command line and exits with the script's status.
      """,
    examples: ["rehearse provision.fsh web 265a0498", "rehearse cleanup.fsh -o json"])
  func run(in context: CommandContext) throws -> CommandResult {
    let (plan, outcome) = try Rehearsal.rehearse(
      script: script.text, arguments: arguments, session: context.session,
      host: context.session.host)
    guard let stopped = outcome.stoppedBy else { return plan }
    // The script's own error, where it happened; then the plan, then the command's failure.
    context.session.host?.report(stopped)
    return CommandResult(
      plan.value, plan.presentation,
      failure: Diagnostic(
        "the rehearsed script failed (exit status \(outcome.status)): \(stopped.message)",
        code: .failed, notes: ["the plan above goes up to the failure"], range: script.range))
  }
}

import Foundation
import FshLanguage
import FshRuntime

struct DoctorCommand: DeclaredCommand {
  static let help = CommandHelp(
    ["doctor"], summary: "check the current cluster: what is wrong, and how to fix it",
    parameters: declared,
    discussion: """
      Every check an operator would otherwise run by hand, one line each with a verdict and \
      its fix: the configuration resolves (and where its values came from) (D1); the client \
      certificate and key pass the offline checks of `certs check`, one expiring within 30 \
      days a warning (D2); the TLS handshake and the API's version (D3); agents: configured \
      nodes that do not report, nodes that report no datasets (D4); datasets not converged, \
      each with what blocks it (D5); leases held by nodes that do not report, expired, or with \
      no expiry on deleted datasets (D6); two live datasets with one name, which the kubelet \
      picks from silently (D7); datasets configured on nodes no agent ever reported (D8). A \
      problem stops a dataset from converging or a client from connecting; a warning is \
      something to look at. Exit status 1 when a problem is found, 0 with warnings only. \
      Reads each list once. `-o json` gives the findings as data.
      """,
    examples: ["doctor", "doctor -o json", "fsh --cluster prod -c doctor"])

  func run(in context: CommandContext) throws -> CommandResult {
    let d = try Doctor.examine(context)
    var result = CommandResult(
      d.value,
      .rendered(
        CertsCheckCommand.render(
          d.checks, width: context.session.terminalWidth(), words: .doctor)))
    if d.problems > 0 {
      result.failure = Diagnostic(
        "\(d.problems) problem\(d.problems == 1 ? "" : "s") found",
        notes: ["each problem line above says what to do"])
    }
    return result
  }
}

import Foundation
import FshLanguage
import FshPKI
import FshRuntime

struct AgentCheckCommand: DeclaredCommand {
  @Arg(.positional("FILE", "default /etc/flocker/agent.yml", completion: .file))
  var file: CommandArgument?
  static let help = CommandHelp(
    ["agent", "check"], summary: "check an agent.yml the way the Flocker agent reads it",
    parameters: declared,
    discussion: """
      Checks what the agent validates (version 1, control-service.hostname, dataset.backend, \
      each built-in backend's required keys) and what it silently gets wrong: unknown keys it \
      ignores, dataset keys that stop it at start, localhost or 127.0.0.1 as the host, the \
      REST API port 4523 where the agent port 4524 belongs, secrets in a file others can read. \
      One line per finding with its fix; fails when any finding is an error. Secret values are \
      never shown.
      """,
    examples: ["agent check", "agent check ./node-a/agent.yml -o json"])
  func run(in context: CommandContext) throws -> CommandResult {
    let p = AgentCommands.path(file?.text ?? "/etc/flocker/agent.yml", in: context)
    var st = stat()
    guard stat(p, &st) == 0, let data = FileManager.default.contents(atPath: p) else {
      throw Diagnostic(
        "cannot read '\(p)': \(String(cString: strerror(errno)))", code: .notFound,
        notes: [
          "the agent reads /etc/flocker/agent.yml (flocker-dataset-agent --agent-config FILE)",
          "write one with `agent init --backend BACKEND`",
        ], range: file?.range)
    }
    guard let text = String(data: data, encoding: .utf8) else {
      throw Diagnostic("'\(p)' is not UTF-8 text", code: .configuration, range: file?.range)
    }
    let check = AgentCheck(text: text, path: p, mode: st.st_mode & 0o7777)
    var result = CommandResult(
      .list(check.findings.map(\.value)), AgentCommands.findingColumns)
    if let first = check.errors.first {
      // Every finding, then a failure: a script must not go on with a broken agent.yml.
      result.failure = Diagnostic(
        "'\(p)' has \(check.errors.count) error(s)", code: .configuration,
        notes: ["\(first.what): \(first.fix)"], range: file?.range)
    }
    return result
  }
}

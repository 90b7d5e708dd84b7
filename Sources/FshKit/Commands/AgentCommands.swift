import Foundation
import FshLanguage
import FshPKI
import FshRuntime

/// Node onboarding: check and write `agent.yml`, and make per-node bundles.
enum AgentCommands {
  /// `--backend BACKEND`: one of the built-in dataset backends.
  static let backend = Param<String>(
    .option(
      ["--backend"], "BACKEND",
      "the dataset backend: \(AgentFacts.backendNames.joined(separator: ", "))",
      choices: AgentFacts.backendNames))

  static func path(_ p: String, in context: CommandContext) -> String {
    let env = context.session.environment
    return Paths.absolute(p, relativeTo: env.workingDirectory, home: env.variables["HOME"])
  }

  /// `KEY VALUE …`: dataset settings.
  static func settingsParameter(_ summary: String) -> Param<CommandArgument> {
    .positional("KEY VALUE", summary)
  }

  /// Reads `KEY VALUE` pairs.
  static func settings(_ args: [CommandArgument], _ arguments: Arguments) throws
    -> [(String, String)]
  {
    guard args.count % 2 == 0 else {
      let last = args.last!
      throw Diagnostic.usage(
        "'\(last.text)' in '\(arguments.command)' needs a value after it",
        notes: ["give dataset keys as KEY VALUE pairs: region RegionOne zone …"],
        range: last.range)
    }
    return stride(from: 0, to: args.count, by: 2).map { (args[$0].text, args[$0 + 1].text) }
  }

  /// The agent file for the session's control service, with missing required keys asked for on
  /// a terminal; without one, missing keys are an error that names them.
  static func agentFile(backend: String, settings: [(String, String)], in context: CommandContext)
    throws -> AgentFile
  {
    guard let host = context.configuration.host, !host.isEmpty else {
      throw Diagnostic(
        "no control service host in this session for agent.yml", code: .configuration,
        notes: ["set one with `set host NAME`, --host, FLOCKER_CONTROL_SERVICE_HOST or a profile"])
    }
    var file = AgentFile(hostname: host, backend: backend, settings: settings)
    var missing = try file.validate()
    while let key = missing.first {
      guard
        let answer = context.ask(
          "\(backend) \(key):", secret: AgentFacts.isSecret(key))
      else {
        try context.checkCancelled()  // Ctrl-C at the question: stop, say nothing is missing
        throw Diagnostic(
          "the \(backend) backend needs \(missing.map { "'\($0)'" }.joined(separator: ", "))",
          code: .usage,
          notes: [
            "give them as KEY VALUE pairs: \(missing.map { "\($0) VALUE" }.joined(separator: " "))",
            "on a terminal fsh asks for them",
          ])
      }
      let value = answer.trimmingCharacters(in: .whitespacesAndNewlines)
      guard !value.isEmpty else { throw Diagnostic.usage("no value given for '\(key)'") }
      file.settings.append((key, value))
      missing = try file.validate()
    }
    // What fsh writes must pass its own check.
    let check = AgentCheck(text: file.text, path: "agent.yml", mode: 0o600)
    if let bad = check.errors.first {
      throw Diagnostic(
        "refusing to write an agent.yml that fails its check: \(bad.what)", code: .configuration,
        notes: [bad.fix])
    }
    return file
  }

  static let findingColumns = Presentation.table([
    Column("level"), Column("what"), Column("fix"),
  ])
}

extension AgentCommands {

}

extension AgentCommands {
}

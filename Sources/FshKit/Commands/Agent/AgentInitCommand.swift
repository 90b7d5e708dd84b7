import Foundation
import FshLanguage
import FshPKI
import FshRuntime

struct AgentInitCommand: DeclaredCommand {
  @Arg(AgentCommands.backend) var backend: String
  @Arg(AgentCommands.settingsParameter("dataset settings: region RegionOne …"))
  var pairs: [CommandArgument]
  @Arg(
    .option(
      ["--out"], "FILE", "where to write (default ./agent.yml; - prints it)", completion: .file))
  var out: CommandArgument?
  static let help = CommandHelp(
    ["agent", "init"], summary: "write an agent.yml for this session's control service",
    parameters: declared,
    discussion: """
      The control-service hostname is the session's host (never localhost or 127.0.0.1: the \
      node would register as 127.0.0.1), the port the agent port 4524. Keys are checked \
      against the backend; required ones that are missing are asked for on a terminal \
      (secrets without echo) and are an error otherwise. The file is written with mode \
      0600 and never replaces an existing one.
      """,
    examples: [
      "agent init --backend aws region us-east-1 zone us-east-1a access_key_id AKIA… "
        + "secret_access_key …",
      "agent init --backend openstack region RegionOne auth_url https://keystone:5000/v3 "
        + "username u password p --out /etc/flocker/agent.yml",
    ])
  var settings: [(String, String)] = []
  mutating func validate(_ arguments: Arguments) throws {
    settings = try AgentCommands.settings(pairs, arguments)
  }
  func run(in context: CommandContext) throws -> CommandResult {
    let file = try AgentCommands.agentFile(backend: backend, settings: settings, in: context)
    if out?.text == "-" { return CommandResult(.string(file.text), .rendered(file.text)) }
    let p = AgentCommands.path(out?.text ?? "agent.yml", in: context)
    try FileWrites.create(file.text, at: p, mode: 0o600)
    return .text(
      "wrote \(p) (0600): \(backend), control service \(file.hostname):\(file.port)")
  }
}

import Foundation
import FshLanguage

package struct SourceCommand: DeclaredCommand {
  @Arg(.positional("FILE", "an .fsh script; its variables stay defined", completion: .file))
  package var path: CommandArgument
  @Arg(.positional("ARG", "the script's $1, $2, … while it runs (then the caller's come back)"))
  package var rest: [String]
  package static let help = CommandHelp(
    ["source"], summary: "run a script file in this session", parameters: declared,
    examples: ["source lib.fsh", "source provision.fsh prod 10.0.0.2"])
  package var args: [String]? { rest.isEmpty ? nil : rest }
  package init() {}

  package func run(in context: CommandContext) throws -> CommandResult {
    let text = try context.session.readScript(path.text)
    let session = context.session
    let saved = session.positional
    if let args { session.positional = args }
    defer { session.positional = saved }
    try context.runSource(text, name: path.text)
    return .none
  }
}

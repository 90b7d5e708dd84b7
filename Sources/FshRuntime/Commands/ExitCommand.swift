import Foundation
import FshLanguage

package struct ExitCommand: DeclaredCommand {
  @Arg(
    .number(
      .positional("STATUS", "exit status, 0 to 255 (default 0)", label: "exit status"),
      in: 0...255))
  package var status: Int = 0
  package static let help = CommandHelp(
    ["exit"], aliases: [["quit"]], summary: "end the script or the session",
    parameters: declared)
  package init() {}

  package func run(in context: CommandContext) throws -> CommandResult {
    throw ExitRequest(status: Int32(status))
  }
}

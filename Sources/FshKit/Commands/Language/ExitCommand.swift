import Foundation
import FshLanguage

struct ExitCommand: DeclaredCommand {
  @Arg(
    .number(
      .positional("STATUS", "exit status, 0 to 255 (default 0)", label: "exit status"),
      in: 0...255))
  var status: Int = 0
  static let help = CommandHelp(
    ["exit"], aliases: [["quit"]], summary: "end the script or the session",
    parameters: declared)
  func run(in context: CommandContext) throws -> CommandResult {
    throw ExitRequest(status: Int32(status))
  }
}

import Foundation
import FshLanguage

package struct HistoryCommand: DeclaredCommand {
  @Arg(.number(.positional("COUNT", "show only the last COUNT lines"), in: 1...1_000_000))
  package var count: Int?
  package static let help = CommandHelp(
    ["history"], summary: "list the lines entered at the prompt", parameters: declared)
  package init() {}

  package func run(in context: CommandContext) throws -> CommandResult {
    let lines = context.session.host?.history ?? []
    let start = max(0, lines.count - (count ?? lines.count))
    let rows = lines.enumerated().dropFirst(start).map { i, line in
      Value.record(Record([("n", .int(i + 1)), ("line", .string(line))]))
    }
    return CommandResult(
      .list(rows), .table([Column("n", "#", alignRight: true), Column("line", "LINE")]))
  }
}

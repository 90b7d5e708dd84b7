import Foundation
import FshLanguage

package struct EchoCommand: DeclaredCommand {
  @Arg(.positional("WORD", "text or $variables to print")) var words: [CommandArgument]
  package static let help = CommandHelp(
    ["echo"], summary: "print words, joined by spaces", parameters: declared,
    examples: ["echo \"$app-data is $ds.dataset_id\"", "echo -o json $ds"])
  package init() {}

  package func run(in context: CommandContext) throws -> CommandResult {
    if words.count == 1, context.options.output != .table {
      // `echo -o json $x` / `echo -o csv $list`: the value itself, in that format.
      let v = words[0].value
      switch v {
      case .record: return CommandResult(v, .record)
      case .list(let items):
        if case .record(let first)? = items.first {
          return CommandResult(v, .table(first.keys.map { Column($0, $0) }))
        }
        return CommandResult(v, .text)
      default: return CommandResult(v, .text)
      }
    }
    return .text(words.map(\.text).joined(separator: " "))
  }
}

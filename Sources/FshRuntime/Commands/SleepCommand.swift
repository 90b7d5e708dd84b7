import Foundation
import FshLanguage

package struct SleepCommand: DeclaredCommand {
  /// 0 is a duration here (`sleep 0`), and a day the longest.
  @Arg(
    Param(.positional("DURATION", "such as 500ms, 10s, 2m or 1.5 (seconds)")) { a, p in
      guard let s = Durations.parse(a.text), s <= 86400 else {
        throw Diagnostic.usage(
          "invalid \(p.label) '\(a.text)'",
          notes: ["give a duration such as 500ms, 10s or 2m (at most 24h)"], range: a.range)
      }
      return s
    })
  package var seconds: Double
  package static let help = CommandHelp(
    ["sleep"], summary: "wait for a duration (Ctrl-C cancels)", parameters: declared)
  package init() {}

  package func run(in context: CommandContext) throws -> CommandResult {
    try context.session.sleep(seconds: seconds)
    return .none
  }
}

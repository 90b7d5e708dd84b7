import Foundation
import FshLanguage
import FshRuntime

struct UnsetCommand: DeclaredCommand {
  @Arg(.positional("NAME", "an option or configuration key", completion: .sessionOption))
  var name: CommandArgument
  static let help = CommandHelp(
    ["unset"], summary: "restore a session option's default, or drop a `set` configuration value",
    parameters: declared)
  func run(in context: CommandContext) throws -> CommandResult {
    let session = context.session
    if let d = SessionOptions.descriptor(name.text) {
      try d.set(&session.options, d.get(SessionOptions()))
      return .none
    }
    if let key = ConfigKey(rawValue: name.text) {
      session.set(key, to: nil)
      return .none
    }
    throw Builtins.unknownName(name)
  }
}

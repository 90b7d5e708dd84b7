import Foundation
import FshLanguage
import FshRuntime

struct SetCommand: DeclaredCommand {
  @Arg(
    .positional(
      "NAME", "an option or configuration key (see below)", completion: .sessionOption))
  var name: CommandArgument?
  @Arg(
    Param(
      .positional(
        "VALUE", "its new value", completion: .sessionOptionValue, optional: true,
        pairsWithPrevious: true)))
  var value: CommandArgument?
  static let help = CommandHelp(
    ["set"], summary: "set a session option or configuration value, or list them",
    parameters: declared,
    discussion: """
      Options: \(SessionOptions.descriptors.map { "\($0.name) (\($0.summary))" }.joined(separator: "; ")).
      Configuration (these override every other source for this session; `config` shows the \
      result): \(ConfigKey.allCases.map { "\($0.rawValue): \($0.summary)" }.joined(separator: "; ")).
      """,
    examples: ["set output json", "set timeout 2m", "set host 10.0.0.5", "set stop-on-error off"])
  func run(in context: CommandContext) throws -> CommandResult {
    let session = context.session
    guard let name, let value else {
      let rows = SessionOptions.descriptors.map { d in
        Value.record(
          Record([
            ("name", .string(d.name)), ("value", .string(d.get(session.options))),
            ("summary", .string(d.summary)),
          ]))
      }
      return CommandResult(
        .list(rows), .table([Column("name"), Column("value"), Column("summary")]))
    }
    if let d = SessionOptions.descriptor(name.text) {
      do {
        try d.set(&session.options, value.text)
      } catch var e as Diagnostic {
        e.range = value.range
        throw e
      }
      return .none
    }
    if let key = ConfigKey(rawValue: name.text) {
      session.set(key, to: value.text)
      for e in session.configuration.errors { context.warn(e.message, notes: e.notes) }
      return .none
    }
    throw Builtins.unknownName(name)
  }
}

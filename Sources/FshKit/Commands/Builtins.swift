import Foundation
import FshLanguage

/// Commands of the language itself: echo, sleep, exit, source, set, unset, history.
enum Builtins {}

extension Builtins {
  struct Echo: Command {
    static let wordsParameter = Parameter.positional(
      "WORD", "text or $variables to print", optional: true, repeats: true)
    static let help = CommandHelp(
      ["echo"], summary: "print words, joined by spaces",
      parameters: [wordsParameter],
      examples: ["echo \"$app-data is $ds.dataset_id\"", "echo -o json $ds"])
    var words: [CommandArgument]
    init(arguments: inout Arguments) throws {
      words = arguments.all(Self.wordsParameter)
    }
    func run(in context: CommandContext) throws -> CommandResult {
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

  struct Sleep: Command {
    static let durationParameter = Parameter.positional(
      "DURATION", "such as 500ms, 10s, 2m or 1.5 (seconds)")
    static let help = CommandHelp(
      ["sleep"], summary: "wait for a duration (Ctrl-C cancels)",
      parameters: [durationParameter])
    var seconds: Double
    init(arguments: inout Arguments) throws {
      let a = arguments.value(Self.durationParameter)
      guard let s = Durations.parse(a.text), s <= 86400 else {
        throw arguments.invalid(
          a, of: Self.durationParameter,
          notes: ["give a duration such as 500ms, 10s or 2m (at most 24h)"])
      }
      seconds = s
    }
    func run(in context: CommandContext) throws -> CommandResult {
      try context.session.sleep(seconds: seconds)
      return .none
    }
  }

  struct Exit: Command {
    static let statusParameter = Parameter.positional(
      "STATUS", "exit status, 0 to 255 (default 0)", optional: true, label: "exit status")
    static let help = CommandHelp(
      ["exit"], aliases: [["quit"]], summary: "end the script or the session",
      parameters: [statusParameter])
    var status: Int32 = 0
    init(arguments: inout Arguments) throws {
      status = Int32(try arguments.integer(Self.statusParameter, in: 0...255) ?? 0)
    }
    func run(in context: CommandContext) throws -> CommandResult {
      throw ExitRequest(status: status)
    }
  }

  struct Source: Command {
    static let file = Parameter.positional(
      "FILE", "an .fsh script; its variables stay defined", completion: .file)
    static let scriptArguments = Parameter.positional(
      "ARG", "the script's $1, $2, … while it runs (then the caller's come back)",
      optional: true, repeats: true)
    static let help = CommandHelp(
      ["source"], summary: "run a script file in this session",
      parameters: [file, scriptArguments],
      examples: ["source lib.fsh", "source provision.fsh prod 10.0.0.2"])
    var path: CommandArgument
    var args: [String]?
    init(arguments: inout Arguments) throws {
      path = arguments.value(Self.file)
      let rest = arguments.all(Self.scriptArguments).map(\.text)
      args = rest.isEmpty ? nil : rest
    }
    func run(in context: CommandContext) throws -> CommandResult {
      let text = try context.session.readScript(path.text)
      let session = context.session
      let saved = session.positional
      if let args { session.positional = args }
      defer { session.positional = saved }
      try context.runSource(text, name: path.text)
      return .none
    }
  }

  struct SetOption: Command {
    static let nameParameter = Parameter.positional(
      "NAME", "an option or configuration key (see below)", completion: .sessionOption,
      optional: true)
    static let valueParameter = Parameter.positional(
      "VALUE", "its new value", completion: .sessionOptionValue, optional: true,
      pairsWithPrevious: true)
    static let help = CommandHelp(
      ["set"], summary: "set a session option or configuration value, or list them",
      parameters: [nameParameter, valueParameter],
      discussion: """
        Options: \(SessionOptions.descriptors.map { "\($0.name) (\($0.summary))" }.joined(separator: "; ")).
        Configuration: \(ConfigKey.allCases.map(\.rawValue).joined(separator: ", ")) — these override every other source for this session; `config` shows the result.
        """,
      examples: ["set output json", "set timeout 2m", "set host 10.0.0.5", "set stop-on-error off"])
    var name: CommandArgument?
    var value: CommandArgument?
    init(arguments: inout Arguments) throws {
      name = arguments.optional(Self.nameParameter)
      value = arguments.optional(Self.valueParameter)
    }
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
      throw unknownName(name)
    }
  }

  struct UnsetOption: Command {
    static let nameParameter = Parameter.positional(
      "NAME", "an option or configuration key", completion: .sessionOption)
    static let help = CommandHelp(
      ["unset"], summary: "restore a session option's default, or drop a `set` configuration value",
      parameters: [nameParameter])
    var name: CommandArgument
    init(arguments: inout Arguments) throws {
      name = arguments.value(Self.nameParameter)
    }
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
      throw unknownName(name)
    }
  }

  static func unknownName(_ name: CommandArgument) -> Diagnostic {
    let all = SessionOptions.descriptors.map(\.name) + ConfigKey.allCases.map(\.rawValue)
    var notes = ["known: \(all.joined(separator: ", "))"]
    if let near = Suggest.nearest(name.text, in: all) {
      notes.insert("did you mean '\(near)'?", at: 0)
    }
    return Diagnostic.usage("unknown option '\(name.text)'", notes: notes, range: name.range)
  }

  struct History: Command {
    static let countParameter = Parameter.positional(
      "COUNT", "show only the last COUNT lines", optional: true)
    static let help = CommandHelp(
      ["history"], summary: "list the lines entered at the prompt",
      parameters: [countParameter])
    var count: Int?
    init(arguments: inout Arguments) throws {
      count = try arguments.integer(Self.countParameter, in: 1...1_000_000)
    }
    func run(in context: CommandContext) throws -> CommandResult {
      let lines = context.session.host?.history ?? []
      let start = max(0, lines.count - (count ?? lines.count))
      let rows = lines.enumerated().dropFirst(start).map { i, line in
        Value.record(Record([("n", .int(i + 1)), ("line", .string(line))]))
      }
      return CommandResult(
        .list(rows), .table([Column("n", "#", alignRight: true), Column("line", "LINE")]))
    }
  }
}

import Foundation
import FshLanguage

/// Commands of the language itself: echo, sleep, exit, source, set, unset, history.
enum Builtins {}

extension Builtins {
  struct Echo: DeclaredCommand {
    @Arg(.positional("WORD", "text or $variables to print")) var words: [CommandArgument]
    static let help = CommandHelp(
      ["echo"], summary: "print words, joined by spaces", parameters: declared,
      examples: ["echo \"$app-data is $ds.dataset_id\"", "echo -o json $ds"])
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

  struct Sleep: DeclaredCommand {
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
    var seconds: Double
    static let help = CommandHelp(
      ["sleep"], summary: "wait for a duration (Ctrl-C cancels)", parameters: declared)
    func run(in context: CommandContext) throws -> CommandResult {
      try context.session.sleep(seconds: seconds)
      return .none
    }
  }

  struct Exit: DeclaredCommand {
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

  struct Source: DeclaredCommand {
    @Arg(.positional("FILE", "an .fsh script; its variables stay defined", completion: .file))
    var path: CommandArgument
    @Arg(.positional("ARG", "the script's $1, $2, … while it runs (then the caller's come back)"))
    var rest: [String]
    static let help = CommandHelp(
      ["source"], summary: "run a script file in this session", parameters: declared,
      examples: ["source lib.fsh", "source provision.fsh prod 10.0.0.2"])
    var args: [String]? { rest.isEmpty ? nil : rest }
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

  struct SetOption: DeclaredCommand {
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
      throw unknownName(name)
    }
  }

  struct UnsetOption: DeclaredCommand {
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

  struct History: DeclaredCommand {
    @Arg(.number(.positional("COUNT", "show only the last COUNT lines"), in: 1...1_000_000))
    var count: Int?
    static let help = CommandHelp(
      ["history"], summary: "list the lines entered at the prompt", parameters: declared)
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

/// One argument of a command, after variables are expanded.

import FshLanguage

public struct CommandArgument: Sendable {
  /// The structured value (a record from `let ds = create …`, a list, a string).
  public var value: Value
  /// Whether it was written without quotes or variables (keywords and options must be).
  public var isBare: Bool
  /// Where it was written; nil for arguments made by a program.
  public var range: SourceRange?

  public init(_ value: Value, isBare: Bool = true, range: SourceRange? = nil) {
    self.value = value
    self.isBare = isBare
    self.range = range
  }

  /// The argument as text.
  public var text: String { value.text }
}

/// A command's arguments, parsed against its declaration (`CommandHelp`) before its `init`
/// runs: anything undeclared, missing or outside its choices is already an error, worded the
/// same way for every command and pointing at the offending word. `init` reads the values
/// through the declared `Parameter`s.
public struct Arguments {
  /// The command's declaration.
  public let declaration: CommandHelp
  /// Where the command's words end, for "missing argument" errors.
  public let end: SourceRange?
  private var found: [String: [CommandArgument]] = [:]
  /// `-o FORMAT`, when given.
  public private(set) var format: OutputFormat?
  /// `-h` or `--help` was given: show the command's help instead of running it.
  public private(set) var wantsHelp = false

  /// The command as typed, for messages: `cluster add`.
  public var command: String { declaration.name }

  /// Parses `items` (the words after the command's words) against `declaration`.
  public init(_ items: [CommandArgument], for declaration: CommandHelp, end: SourceRange? = nil)
    throws
  {
    self.declaration = declaration
    self.end = end
    if items.contains(where: { $0.isBare && GlobalOptions.help.names.contains($0.text) }) {
      wantsHelp = true
      return
    }
    let scan = ArgumentScan(items.map { ($0.text, $0.isBare) }, for: declaration)
    if let (index, p) = scan.missingValue {
      let message =
        p.kind == .keyword
        ? "'\(p.key)' in '\(command)' needs a value after it"
        : "option '\(items[index].text)' of '\(command)' needs a value"
      throw Diagnostic.usage(
        message, notes: choiceNotes(p) + usageNote(), range: items[index].range)
    }
    for (a, role) in zip(items, scan.roles) {
      switch role {
      case .flag(let p), .word(let p): found[p.key, default: []].append(a)
      case .name(let p, let inline):
        if p.repeats || p.valueIsOptional { found[p.key, default: []] += [] }
        if let inline {
          var v = a
          v.value = .string(inline)
          try record(v, for: p)
        }
      case .value(let p), .positional(let p): try record(a, for: p)
      case .unknownOption: throw unknownOption(a)
      case .unexpected:
        if let d = declaration.unexpected?(a) { throw d }
        // A misspelt keyword is the likeliest stray word: `move db too n`.
        let words = declaration.options.filter { $0.kind == .keyword || $0.kind == .word }
        let near = a.isBare ? Suggest.nearest(a.text, in: words.flatMap(\.names)) : nil
        throw Diagnostic.usage(
          "unexpected argument '\(a.text)' for '\(command)'",
          notes: (near.map { ["did you mean '\($0)'?"] } ?? []) + usageNote(), range: a.range)
      }
    }
    if let f = found[GlobalOptions.output.key]?.last { format = OutputFormat(rawValue: f.text) }
    // The key of the positional before, not a copy of it (a parameter is 144 bytes with
    // half a dozen references: this loop runs for every command a script runs).
    var previousKey: String? = nil
    var previousRepeats = false
    for p in declaration.parameters {
      let key = p.key
      defer {
        if p.kind == .positional {
          previousKey = key
          previousRepeats = p.repeats
        }
      }
      if p.isOptional && !p.pairsWithPrevious { continue }
      let paired = p.pairsWithPrevious && previousKey.map { found[$0] != nil } == true
      guard !p.isOptional || paired, found[key] == nil else { continue }
      // `wait db atached`: the repeating positional before took the misspelt choice.
      if previousRepeats, p.kind == .positional, let choices = p.choices,
        let last = previousKey.flatMap({ found[$0]?.last }),
        !choices.contains(last.text.lowercased()), Suggest.nearest(last.text, in: choices) != nil
      {
        try record(last, for: p)
      }
      let what = p.kind == .positional ? p.key : "'\(p.spelling)'"
      throw Diagnostic.usage(
        "'\(command)' needs \(what)", notes: ["\(p.spelling): \(p.summary)"] + usageNote(),
        range: end)
    }
  }

  /// Arguments made from plain strings, for programs and tests.
  public init(strings: [String], for declaration: CommandHelp) throws {
    try self.init(strings.map { CommandArgument(.string($0)) }, for: declaration)
  }

  private mutating func record(_ a: CommandArgument, for p: Parameter) throws {
    var a = a
    if let choices = p.choices {
      guard let canonical = choices.first(where: { $0.lowercased() == a.text.lowercased() }) else {
        var notes = choiceNotes(p)
        if let near = Suggest.nearest(a.text, in: choices) {
          notes.insert("did you mean '\(near)'?", at: 0)
        }
        throw Diagnostic.usage("invalid \(p.label) '\(a.text)'", notes: notes, range: a.range)
      }
      a.value = .string(canonical)
    }
    found[p.key, default: []].append(a)
  }

  private func choiceNotes(_ p: Parameter) -> [String] {
    p.choices.map { ["expected one of: \($0.joined(separator: ", "))"] } ?? []
  }

  private func unknownOption(_ a: CommandArgument) -> Diagnostic {
    let t = a.text
    let name = t.split(separator: "=").first.map(String.init) ?? t
    var notes = usageNote()
    let known = (declaration.options + GlobalOptions.all).filter {
      $0.kind == .flag || $0.kind == .option
    }.flatMap(\.names)
    if let near = Suggest.nearest(name, in: known) {
      notes.insert("did you mean '\(near)'?", at: 0)
    }
    return Diagnostic.usage(
      "unknown option '\(name)' for '\(command)'", notes: notes, range: a.range)
  }

  /// The note that shows the command's whole usage line.
  package func usageNote() -> [String] { ["usage: \(declaration.usageLine)"] }

  // MARK: - Values

  /// Whether a flag (or an optional word) was given.
  public func flag(_ p: Parameter) -> Bool { found[p.key] != nil }

  /// The value of a required parameter (the parser made sure it is there).
  public func value(_ p: Parameter) -> CommandArgument {
    found[p.key]?.last ?? CommandArgument(.string(""), range: end)
  }

  /// The value of an optional parameter; the last one written wins.
  public func optional(_ p: Parameter) -> CommandArgument? { found[p.key]?.last }

  /// Every value of a repeating parameter (or of a parameter written several times).
  public func all(_ p: Parameter) -> [CommandArgument] { found[p.key] ?? [] }

  // MARK: - Typed conversions

  /// A usage error that ends with the command's usage line.
  public func usageError(_ message: String, notes: [String] = [], at a: CommandArgument? = nil)
    -> Diagnostic
  {
    Diagnostic.usage(message, notes: notes + usageNote(), range: a?.range ?? end)
  }
}

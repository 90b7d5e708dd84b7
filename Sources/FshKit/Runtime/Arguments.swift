/// One argument of a command, after variables are expanded.
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

/// The arguments of one command, consumed by its `init(arguments:)`.
///
/// Options (`--yes`, `--for X`, `--for=X`) and keywords (`on NODE`) are taken from anywhere;
/// positionals are then taken in order. Every helper words its errors the same way and points
/// at the offending argument.
public struct Arguments {
  /// The command as typed, for messages: `cluster add`.
  public let command: String
  private var items: [CommandArgument]
  private var used: [Bool]
  /// Where the command's words end, for "missing argument" errors.
  public let end: SourceRange?
  /// The help of the command being parsed (for "did you mean" on unknown options).
  let help: CommandHelp?

  public init(
    command: String, _ items: [CommandArgument], end: SourceRange? = nil, help: CommandHelp? = nil
  ) {
    self.command = command
    self.items = items
    self.used = Array(repeating: false, count: items.count)
    self.end = end
    self.help = help
  }

  /// Arguments made from plain strings, for programs and tests.
  public init(command: String, strings: [String]) {
    self.init(command: command, strings.map { CommandArgument(.string($0)) })
  }

  public var isEmpty: Bool { !used.contains(false) }

  // MARK: - Flags and options

  /// Consumes every occurrence of a flag; true when present.
  public mutating func flag(_ names: String...) -> Bool {
    var found = false
    for (i, a) in items.enumerated() where !used[i] && a.isBare && names.contains(a.text) {
      used[i] = true
      found = true
    }
    return found
  }

  /// Consumes `NAME VALUE` or `NAME=VALUE`; nil when absent. The last occurrence wins.
  public mutating func option(_ names: String...) throws -> CommandArgument? {
    var result: CommandArgument? = nil
    var i = 0
    while i < items.count {
      defer { i += 1 }
      guard !used[i], items[i].isBare else { continue }
      let t = items[i].text
      if names.contains(t) {
        used[i] = true
        guard i + 1 < items.count, !used[i + 1] else {
          throw Diagnostic.usage(
            "option '\(t)' of '\(command)' needs a value", notes: usageNote(), range: items[i].range
          )
        }
        used[i + 1] = true
        result = items[i + 1]
        i += 1
      } else if let eq = t.firstIndex(of: "="), names.contains(String(t[..<eq])) {
        used[i] = true
        var a = items[i]
        a.value = .string(String(t[t.index(after: eq)...]))
        result = a
      }
    }
    return result
  }

  /// Consumes `WORD VALUE` where WORD is a bare keyword (`on NODE`, `timeout 2m`).
  public mutating func keyword(_ word: String) throws -> CommandArgument? {
    var result: CommandArgument? = nil
    for i in items.indices where !used[i] && items[i].isBare && items[i].text == word {
      used[i] = true
      guard i + 1 < items.count, !used[i + 1] else {
        throw Diagnostic.usage(
          "'\(word)' in '\(command)' needs a value after it", notes: usageNote(),
          range: items[i].range)
      }
      used[i + 1] = true
      result = items[i + 1]
    }
    return result
  }

  /// Consumes a keyword and everything after it up to the next of `stops`: `meta a=b c=d`.
  public mutating func keywordList(_ word: String, stops: Set<String>) -> [CommandArgument]? {
    guard
      let k = items.indices.first(where: { !used[$0] && items[$0].isBare && items[$0].text == word }
      )
    else { return nil }
    used[k] = true
    var out: [CommandArgument] = []
    var i = k + 1
    while i < items.count, !used[i], !(items[i].isBare && stops.contains(items[i].text)) {
      used[i] = true
      out.append(items[i])
      i += 1
    }
    return out
  }

  /// Whether a bare word appears among the unconsumed arguments (without consuming it).
  public func contains(_ word: String) -> Bool {
    items.indices.contains { !used[$0] && items[$0].isBare && items[$0].text == word }
  }

  // MARK: - Positionals

  /// Consumes the next positional argument; throws when it is missing.
  public mutating func positional(_ name: String) throws -> CommandArgument {
    if let a = try optionalPositional() { return a }
    throw Diagnostic.usage(
      "'\(command)' needs \(name)", notes: usageNote(), range: end)
  }

  /// Consumes the next positional argument, if any. An unknown option is an error here.
  public mutating func optionalPositional() throws -> CommandArgument? {
    for i in items.indices where !used[i] {
      try rejectUnknownOption(items[i])
      used[i] = true
      return items[i]
    }
    return nil
  }

  /// Consumes all remaining arguments.
  public mutating func rest() throws -> [CommandArgument] {
    var out: [CommandArgument] = []
    while let a = try optionalPositional() { out.append(a) }
    return out
  }

  /// Throws when arguments are left over.
  public func finish() throws {
    for i in items.indices where !used[i] {
      try rejectUnknownOption(items[i])
      throw Diagnostic.usage(
        "unexpected argument '\(items[i].text)' for '\(command)'", notes: usageNote(),
        range: items[i].range)
    }
  }

  private func rejectUnknownOption(_ a: CommandArgument) throws {
    let t = a.text
    guard a.isBare, t.hasPrefix("-"), t.count > 1, Int(t) == nil else { return }
    let name = t.split(separator: "=").first.map(String.init) ?? t
    var notes = usageNote()
    let known =
      (help?.options ?? []).flatMap(\.names).filter { $0.hasPrefix("-") } + ["-o", "--output"]
    if let near = Suggest.nearest(name, in: known) {
      notes.insert("did you mean '\(near)'?", at: 0)
    }
    throw Diagnostic.usage(
      "unknown option '\(name)' for '\(command)'", notes: notes, range: a.range)
  }

  func usageNote() -> [String] {
    guard let help else { return ["see `help \(command)`"] }
    return ["usage: \(help.name)\(help.usage.isEmpty ? "" : " " + help.usage)"]
  }

  // MARK: - Typed conversions

  /// Converts an argument to an integer in a range.
  public func integer(_ a: CommandArgument, name: String, in range: ClosedRange<Int>? = nil) throws
    -> Int
  {
    guard let n = Int(a.text), range?.contains(n) ?? true else {
      let expect =
        range.map { "a whole number from \($0.lowerBound) to \($0.upperBound)" } ?? "a whole number"
      throw Diagnostic.usage("invalid \(name) '\(a.text)': expected \(expect)", range: a.range)
    }
    return n
  }

  /// Converts an argument to a positive duration in seconds (`30s`, `2m`, `1h30m`, `1.5`).
  public func duration(_ a: CommandArgument, name: String) throws -> Double {
    guard let s = Durations.parse(a.text), s > 0 else {
      throw Diagnostic.usage(
        "invalid \(name) '\(a.text)'", notes: ["give a duration such as 30s, 10m or 1h"],
        range: a.range)
    }
    return s
  }

  /// Converts an argument to one of a fixed set of words.
  public func choice(_ a: CommandArgument, name: String, from choices: [String]) throws -> String {
    if choices.contains(a.text) { return a.text }
    var notes = ["expected one of: \(choices.joined(separator: ", "))"]
    if let near = Suggest.nearest(a.text, in: choices) {
      notes.insert("did you mean '\(near)'?", at: 0)
    }
    throw Diagnostic.usage("invalid \(name) '\(a.text)'", notes: notes, range: a.range)
  }
}

import Foundation

/// `exit` unwinds the interpreter with this.
struct ExitRequest: Error {
  var status: Int32
}

/// Runs a parsed script against a session.
struct Interpreter {
  let session: Session
  let source: SourceText
  let interactive: Bool

  /// Runs the script's statements; failures go into the outcome.
  mutating func execute(_ script: Script, into outcome: inout Outcome) {
    do {
      try block(script.statements, outcome: &outcome, topLevel: true)
    } catch let exit as ExitRequest {
      outcome.exited = true
      outcome.status = exit.status
    } catch let d as Diagnostic {
      let located = d.located(in: source, at: nil)
      outcome.diagnostics.append(located)
      outcome.stoppedBy = located
      outcome.status = d.code == .cancelled ? ExitStatus.interrupted : ExitStatus.failure
    } catch {
      let located = Diagnostic("\(error)").located(in: source, at: nil)
      outcome.diagnostics.append(located)
      outcome.stoppedBy = located
      outcome.status = ExitStatus.failure
    }
  }

  private func block(_ statements: [Statement], outcome: inout Outcome, topLevel: Bool) throws {
    for s in statements {
      try session.checkCancelled()
      do {
        try statement(s, outcome: &outcome, topLevel: topLevel)
      } catch let d as Diagnostic {
        let located = d.located(in: source, at: nil)
        // Every failure sets $? and $error, also one that stops the script or the entry.
        recordFailure(located)
        if d.code == .cancelled || d.code == .syntax
          || (session.options.stopOnError && !interactive)
        {
          throw located
        }
        // Not stopping: report it and carry on, remembering the failure.
        if interactive {
          throw located
        }
        outcome.diagnostics.append(located)
        outcome.status = ExitStatus.failure
        session.host?.report(located)
      }
    }
  }

  private func statement(_ s: Statement, outcome: inout Outcome, topLevel: Bool) throws {
    switch s {
    case .command(let call):
      let result = try run(call)
      outcome.results.append(result)
      show(result)
      if let failure = result.failure { throw failure }
      recordSuccess()
    case .assign(let name, let call, _):
      let value = try evaluateAssignment(call)
      session.variables[name] = value
      recordSuccess()
    case .attempt(let call, _):
      do {
        let result = try run(call)
        outcome.results.append(result)
        show(result)
        if let failure = result.failure { throw failure }
        recordSuccess()
      } catch let d as Diagnostic where d.code != .cancelled {
        recordFailure(d.located(in: source, at: call.range))
      }
    case .conditional(let cond, let then, let otherwise, _):
      if try test(cond) {
        try block(then, outcome: &outcome, topLevel: false)
      } else if let otherwise {
        try block(otherwise, outcome: &outcome, topLevel: false)
      }
    case .loop(let name, let items, let body, _):
      var values: [Value] = []
      for w in items {
        if let splat = try splat(w) {
          values += splat.map { .string($0) }
        } else {
          values += try evaluate(w).value.elements
        }
      }
      session.loopDepth += 1
      defer { session.loopDepth -= 1 }
      for v in values {
        try session.checkCancelled()
        session.variables[name] = v
        do {
          try block(body, outcome: &outcome, topLevel: false)
        } catch Builtins.LoopControl.breakLoop {
          break
        } catch Builtins.LoopControl.continueLoop {
          continue
        }
      }
    }
  }

  /// Shows a result, honouring a per-command `-o FORMAT`.
  private func show(_ result: CommandResult) {
    guard result.presentation != .silent else { return }
    var options = session.options
    if let f = result.format { options.output = f }
    session.host?.show(result, options: options)
  }

  private func recordSuccess() {
    session.variables["?"] = .int(0)
  }

  private func recordFailure(_ d: Diagnostic) { session.recordFailure(d) }
}

extension Session {
  /// Sets `$?` to 1 and `$error` to a record of the failure.
  func recordFailure(_ d: Diagnostic) {
    let session = self
    session.variables["?"] = .int(1)
    var r = Record([("message", .string(d.message)), ("code", .string(d.code.rawValue))])
    if let range = d.range {
      r["line"] = .int(range.start.line)
      r["column"] = .int(range.start.column)
    }
    if !d.notes.isEmpty { r["notes"] = .list(d.notes.map(Value.string)) }
    session.variables["error"] = .record(r)
  }
}

extension Interpreter {

  // MARK: - Conditions

  private func test(_ c: Condition) throws -> Bool {
    switch c {
    case .truthy(let w): return try evaluate(w).value.isTruthy
    case .not(let inner): return try !test(inner)
    case .and(let a, let b): return try test(a) && test(b)
    case .or(let a, let b): return try test(a) || test(b)
    case .succeeds(let call):
      do {
        try run(call).throwingFailure()
        recordSuccess()
        return true
      } catch let d as Diagnostic where d.code != .cancelled {
        recordFailure(d.located(in: source, at: call.range))
        return false
      }
    case .compare(let lw, let op, let rw):
      let l = try evaluate(lw).value
      let r = try evaluate(rw).value
      if op == "=~" { return Glob.matches(r.text, l.text) }
      if op == "!~" { return !Glob.matches(r.text, l.text) }
      let a = Interpreter.number(l)
      let b = Interpreter.number(r)
      if op == "==" || op == "!=" {
        // A number or a size with a unit against a number compares by value
        // (`$d.size == 1024M`); two words compare as text ("1.10" is not "1.1").
        let byValue =
          a != nil && b != nil && (Interpreter.isQuantity(l) || Interpreter.isQuantity(r))
        let same = byValue ? a == b : l.text == r.text
        return op == "==" ? same : !same
      }
      let order: ComparisonResult
      if let a, let b {
        order = a < b ? .orderedAscending : (a > b ? .orderedDescending : .orderedSame)
      } else if a != nil || b != nil {
        let other = a == nil ? l : r
        let shown = other.text.isEmpty ? "an empty value" : "'\(other.text)'"
        throw Diagnostic(
          "cannot compare a number with \(shown) using '\(op)'", code: .usage,
          notes: [
            "'<', '<=', '>' and '>=' compare numbers and sizes (1G, 512M) with each other, or text with text"
          ], range: SourceRange(lw.range.start, rw.range.end))
      } else {
        order =
          l.text < r.text
          ? .orderedAscending : (l.text > r.text ? .orderedDescending : .orderedSame)
      }
      switch op {
      case "<": return order == .orderedAscending
      case "<=": return order != .orderedDescending
      case ">": return order == .orderedDescending
      default: return order != .orderedAscending
      }
    }
  }

  /// Whether a value is a number, or a size written with its unit (`1G`), rather than a word.
  static func isQuantity(_ v: Value) -> Bool {
    switch v {
    case .int, .double: return true
    case .string(let s): return Double(s) == nil && Sizes.value(s) != nil
    default: return false
    }
  }

  /// A value as a number for comparisons: numbers, numeric text, and sizes as bytes (`1G`).
  static func number(_ v: Value) -> Double? {
    switch v {
    case .int(let i): return Double(i)
    case .double(let d): return d
    case .string(let s):
      if let d = Double(s) { return d }
      return Sizes.value(s).map(Double.init)
    default: return nil
    }
  }

  // MARK: - Commands

  /// `let x = WORD` keeps a value; `let x = COMMAND …` (several words, or one bare word that
  /// names a command, like `let v = version`) keeps the command's result.
  private func evaluateAssignment(_ call: CommandCall) throws -> Value {
    if call.words.count == 1 {
      let word = call.words[0]
      guard let bare = word.bareText, session.commands.lookup([bare]) != nil else {
        return try evaluate(word).value
      }
    }
    return try run(call).throwingFailure().value
  }

  /// Runs one command call and returns its result.
  func run(_ call: CommandCall) throws -> CommandResult {
    var args: [CommandArgument] = []
    for w in call.words {
      if let splat = try splat(w) {
        args += splat.map { CommandArgument(.string($0), isBare: false, range: w.range) }
      } else {
        args.append(try evaluate(w))
      }
    }
    // The command is named by its leading bare words.
    var words: [String] = []
    for a in args {
      guard a.isBare else { break }
      words.append(a.text)
    }
    guard let found = session.commands.lookup(words) else {
      throw unknownCommand(words: words, args: args, call: call)
    }
    let type = found.command
    let length = found.length
    let help = type.help
    let end = call.range.end
    // Parsed against the declaration: options every command takes (`-o`, `--help`) included.
    var arguments = try Arguments(
      Array(args.dropFirst(length)), for: help, end: SourceRange(end, end))
    if arguments.wantsHelp {
      let width = session.terminalWidth().map { max(40, $0) } ?? 10_000
      return .text(HelpFormatter.help(for: help, width: width))
    }
    let command = try type.init(arguments: &arguments)
    let format = arguments.format
    var options = session.options
    if let format { options.output = format }
    let context = CommandContext(
      session: session, options: options, interpreter: self, range: call.range)
    func locate(_ d: Diagnostic) -> Diagnostic {
      if d.range == nil {
        var located = d
        located.range = call.words[0].range
        return located.located(in: source, at: located.range)
      }
      return d.located(in: source, at: d.range)
    }
    do {
      var result = try command.run(in: context)
      result.format = format
      result.failure = result.failure.map(locate)
      return result
    } catch let d as Diagnostic {
      throw locate(d)
    }
  }

  private func unknownCommand(words: [String], args: [CommandArgument], call: CommandCall)
    -> Diagnostic
  {
    guard let first = words.first else {
      let text = args.first?.text ?? ""
      return Diagnostic(
        "'\(text)' is not a command", code: .unknownCommand,
        notes: ["a command starts with a plain word such as 'datasets'; use echo to print a value"],
        range: call.words[0].range)
    }
    let subs = session.commands.subcommands(of: [first])
    if !subs.isEmpty, session.commands.lookup([first]) == nil {
      if words.count < 2 {
        return Diagnostic(
          "'\(first)' needs a subcommand", code: .unknownCommand,
          notes: ["one of: \(subs.joined(separator: ", "))", "see `help \(first)`"],
          range: call.words[0].range)
      }
      var notes = ["'\(first)' takes: \(subs.joined(separator: ", "))"]
      if let near = Suggest.nearest(words[1], in: subs) {
        notes.insert("did you mean '\(first) \(near)'?", at: 0)
      }
      return Diagnostic(
        "unknown command '\(first) \(words[1])'", code: .unknownCommand, notes: notes,
        range: call.words[1].range)
    }
    var notes = ["`help` lists the commands"]
    if let near = Suggest.nearest(first, in: session.commands.firstWords) {
      notes.insert("did you mean '\(near)'?", at: 0)
    }
    return Diagnostic(
      "unknown command '\(first)'", code: .unknownCommand, notes: notes, range: call.words[0].range)
  }

  // MARK: - Words

  /// `$@` as a whole word expands to one argument per script argument.
  private func splat(_ w: Word) throws -> [String]? {
    guard w.substitution == nil, w.parts.count == 1, case .variable("@", let path, _) = w.parts[0],
      path.isEmpty
    else { return nil }
    return session.positional
  }

  /// Expands a word into an argument: variables, fields and command substitution.
  func evaluate(_ w: Word) throws -> CommandArgument {
    if let call = w.substitution {
      var value = try run(call).throwingFailure().value
      var walked = "(\(call.words.compactMap(\.bareText).joined(separator: " ")))"
      for field in w.substitutionPath {
        guard let next = value[field] else {
          throw Interpreter.noField(walked, field, in: value, range: w.range)
        }
        value = next
        walked += "." + field
      }
      return CommandArgument(value, isBare: false, range: w.range)
    }
    if w.parts.count == 1, case .variable(let name, let path, let range) = w.parts[0] {
      return CommandArgument(try lookup(name, path, range), isBare: false, range: w.range)
    }
    var text = ""
    var bare = true
    for p in w.parts {
      switch p {
      case .literal(let s, let quoted):
        text += s
        if quoted { bare = false }
      case .variable(let name, let path, let range):
        text += try lookup(name, path, range).text
        bare = false
      }
    }
    return CommandArgument(.string(text), isBare: bare, range: w.range)
  }

  private func lookup(_ name: String, _ path: [String], _ range: SourceRange) throws -> Value {
    var value: Value
    if name == "@" {
      value = .list(session.positional.map(Value.string))
    } else if name == "#" {
      value = .int(session.positional.count)
    } else if let n = Int(name) {
      if n == 0 {
        value = .string(session.scriptName)
      } else if n <= session.positional.count {
        value = .string(session.positional[n - 1])
      } else {
        throw Diagnostic(
          "script argument $\(n) was not given", code: .undefinedVariable,
          notes: [
            session.positional.isEmpty
              ? "the script was run without arguments: fsh script.fsh ARG…"
              : "the script has \(session.positional.count) argument(s); check with `if $# >= \(n)`"
          ], range: range)
      }
    } else if let v = session.variables[name] {
      value = v
    } else if let e = session.environment.variables[name] {
      value = .string(e)
    } else {
      var notes = ["define it with `let \(name) = …`"]
      let known = session.variables.keys.filter { !$0.hasPrefix("\u{0}") && $0 != "?" }
      if let near = Suggest.nearest(name, in: Array(known)) {
        notes.insert("did you mean '$\(near)'?", at: 0)
      }
      throw Diagnostic(
        "undefined variable '\(name)'", code: .undefinedVariable, notes: notes, range: range)
    }
    var walked = name
    for field in path {
      guard let next = value[field] else {
        throw Interpreter.noField(walked, field, in: value, range: range)
      }
      value = next
      walked += "." + field
    }
    return value
  }

  static func noField(_ walked: String, _ field: String, in value: Value, range: SourceRange)
    -> Diagnostic
  {
    var notes: [String] = []
    if case .record(let r) = value {
      notes.append("'\(walked)' has the fields: \(r.keys.joined(separator: ", "))")
      if let near = Suggest.nearest(field, in: r.keys) {
        notes.insert("did you mean '\(near)'?", at: 0)
      }
    } else if case .list(let l) = value {
      notes.append(
        "'\(walked)' is a list of \(l.count); use an index from 0 to \(max(0, l.count - 1))")
    } else {
      notes.append("'\(walked)' is '\(value.text)', which has no fields")
    }
    return Diagnostic(
      "'\(walked)' has no field '\(field)'", code: .undefinedVariable, notes: notes, range: range)
  }
}

import Foundation
import FshLanguage

/// `exit` unwinds the interpreter with this.
package struct ExitRequest: Error {
  package var status: Int32
}

/// Runs a parsed script against a session.
/// How `break` and `continue` unwind to the innermost loop of the statements being run (the
/// parser has checked that there is one).
private enum LoopExit: Error {
  case breakLoop, continueLoop
}

package struct Interpreter {
  package let session: Session
  package let source: SourceText
  package let interactive: Bool

  /// Runs the script's statements; failures go into the outcome.
  package mutating func execute(_ script: Script, into outcome: inout Outcome) {
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

  /// Runs one statement; only a top-level one's result goes into `outcome.values` (a command
  /// inside `if` or `for` is shown, not collected).
  private func statement(_ s: Statement, outcome: inout Outcome, topLevel: Bool) throws {
    switch s {
    case .command(let call):
      try deliver(try run(call), topLevel: topLevel, outcome: &outcome)
    case .assign(let name, let call, _):
      let value = try evaluateAssignment(call)
      session.variables[name] = value
      recordSuccess()
    case .assignAttempt(let name, let call, _):
      // The result, or null: the failure is recorded in $error and the script goes on.
      do {
        let value = try evaluateAssignment(call)
        session.variables[name] = value
        recordSuccess()
      } catch let d as Diagnostic where d.code != .cancelled {
        session.variables[name] = .null
        recordFailure(d.located(in: source, at: call.range))
      }
    case .attempt(let call, _):
      do {
        let result = try run(call)
        if topLevel { keep(result, in: &outcome) }
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
      for v in values {
        try session.checkCancelled()
        session.variables[name] = v
        guard try loopRound(body, outcome: &outcome) else { break }
      }
    case .each(let noun, let selector, let block, let range):
      guard let runner = session.eachRunners[noun] else {
        throw Diagnostic(
          "'each \(noun)' is not known", code: .usage,
          notes: ["each cluster PATTERN { … } runs a block on every matching cluster"],
          range: range)
      }
      let value = try evaluate(selector).value
      // The block's text where it stands in the script (its lines and columns kept), without
      // its braces: errors inside it point into this script.
      let scalars = source.text.unicodeScalars
      let from = scalars.index(scalars.startIndex, offsetBy: block.start.offset + 1)
      let to = scalars.index(from, offsetBy: max(0, block.end.offset - block.start.offset - 2))
      var body = String(repeating: "\n", count: block.start.line - 1)
      body += String(repeating: " ", count: block.start.column)
      body.unicodeScalars.append(contentsOf: scalars[from..<to])
      let context = CommandContext(session: session, options: session.options, range: range)
      do {
        try deliver(
          try runner(value, body, source.name, context), topLevel: topLevel, outcome: &outcome)
      } catch let d as Diagnostic {
        throw d.located(in: source, at: range)
      }
    case .breakLoop:
      throw LoopExit.breakLoop
    case .continueLoop:
      throw LoopExit.continueLoop
    case .whileLoop(let cond, let body, let range):
      while true {
        try session.checkCancelled()
        let holds: Bool
        do {
          holds = try test(cond)
        } catch let d as Diagnostic where d.range == nil {
          // Where the loop is, when the condition's error does not say it.
          throw d.located(in: source, at: range)
        }
        guard holds, try loopRound(body, outcome: &outcome) else { break }
      }
    }
  }

  /// A top-level statement's result in the outcome (the last one alone, when the session
  /// keeps only that).
  private func keep(_ result: CommandResult, in outcome: inout Outcome) {
    if session.keepsOnlyLastResult { outcome.results.removeAll() }
    outcome.results.append(result)
  }

  /// A statement's result: kept when top-level, shown, and its failure thrown (else `$?` is 0).
  private func deliver(_ result: CommandResult, topLevel: Bool, outcome: inout Outcome) throws {
    if topLevel { keep(result, in: &outcome) }
    show(result)
    if let failure = result.failure { throw failure }
    recordSuccess()
  }

  /// One round of a `for` or `while` body; false when `break` left the loop.
  private func loopRound(_ body: [Statement], outcome: inout Outcome) throws -> Bool {
    do {
      try block(body, outcome: &outcome, topLevel: false)
    } catch LoopExit.breakLoop {
      return false
    } catch LoopExit.continueLoop {
      return true
    }
    return true
  }

  /// Shows a result, honouring a per-command `-o FORMAT`.
  private func show(_ result: CommandResult) {
    guard result.presentation != .silent else { return }
    var options = session.options
    if let f = result.format { options.output = f }
    session.host?.show(result, options: options)
  }

  package func recordSuccess() {
    session.variables["?"] = .int(0)
  }

  package func recordFailure(_ d: Diagnostic) { session.recordFailure(d) }
}

extension Session {
  /// Sets `$?` to 1 and `$error` to a record of the failure.
  package func recordFailure(_ d: Diagnostic) {
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

  /// Runs one command call and returns its result: a command of the table, arithmetic
  /// (`$n + 1`), and the system commands of a pipeline after `|`.
  package func run(_ call: CommandCall) throws -> CommandResult {
    if !call.pipeline.isEmpty {
      var first = call
      first.pipeline = []
      return try pipe(try run(first), through: call.pipeline, call: call)
    }
    if let value = try arithmetic(call) { return CommandResult(value, .text) }
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
      session: session, options: options, range: call.range)
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
    } catch let e as DiagnosticConvertible {
      throw locate(e.diagnostic)
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
}

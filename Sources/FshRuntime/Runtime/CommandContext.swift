/// What a running command sees: the session, the options in effect, and helpers.

import FshLanguage

public final class CommandContext {
  public let session: Session
  /// The session options with this command's `-o` applied.
  public let options: SessionOptions
  /// Where the command was written.
  public let range: SourceRange

  package init(session: Session, options: SessionOptions, range: SourceRange) {
    self.session = session
    self.options = options
    self.range = range
  }

  /// Shows a warning without failing.
  public func warn(_ message: String, notes: [String] = []) {
    session.host?.report(Diagnostic(message, code: .failed, severity: .warning, notes: notes))
  }

  /// Reports how long a phase took, when `FSH_TIMING` is set (to standard error in fsh).
  package var timing: ((String, Double) -> Void)? {
    guard session.environment.variables["FSH_TIMING"] != nil else { return nil }
    let host = session.host
    return { what, seconds in
      host?.trace(String(format: "timing: %@ %.1f ms", what, seconds * 1000))
    }
  }

  /// Shows or clears a transient status line (on a terminal only).
  public func progress(_ status: String?) {
    session.host?.progress(status.map { TerminalText.safe($0) })
  }

  /// Shows a note without failing.
  public func note(_ message: String) {
    session.host?.report(Diagnostic(message, severity: .note))
  }

  /// Tells the person what happened (`using cluster …`) on the host's informational channel
  /// (standard error in fsh, silenced by `-q`); the result carries the same text for `let`.
  public func inform(_ line: String) -> CommandResult {
    session.host?.inform(TerminalText.safe(line))
    return CommandResult(.string(line), .silent)
  }

  /// Asks a yes/no question; nil when nobody can answer.
  public func confirm(_ question: String) -> Bool? {
    session.host?.confirm(TerminalText.safe(question))
  }

  /// Asks for a line of text (not echoed when `secret`); nil when nobody can answer.
  public func ask(_ question: String, secret: Bool = false) -> String? {
    session.host?.ask(TerminalText.safe(question), secret: secret)
  }

  /// Throws when the session was cancelled.
  public func checkCancelled() throws { try session.checkCancelled() }

  /// Runs another script in this session (for `source`).
  package func runSource(_ text: String, name: String) throws {
    guard session.sourceDepth < 32 else {
      throw Diagnostic(
        "'source' nested more than 32 deep", notes: ["a script probably sources itself"])
    }
    session.sourceDepth += 1
    defer { session.sourceDepth -= 1 }
    let source = SourceText(name: name, text: text)
    let script: Script
    do {
      script = try Parser.parse(text)
    } catch let d as Diagnostic {
      var located = d.located(in: source, at: nil)
      if located.code == .incompleteInput { located.code = .syntax }
      throw located
    }
    var outcome = Outcome()
    var inner = Interpreter(session: session, source: source, interactive: false)
    inner.execute(script, into: &outcome)
    if outcome.exited { throw ExitRequest(status: outcome.status) }
    if let first = outcome.diagnostics.first, outcome.status != 0 {
      throw first
    }
  }
}

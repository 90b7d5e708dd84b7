// `COMMAND … | TOOL …`: a command's output, in its format, through system commands.
import Foundation
import FshLanguage

#if canImport(Glibc)
  import Glibc
#endif

extension Interpreter {
  // MARK: - Pipes

  /// Sends a result, rendered as the host renders it for a reader that is not a terminal (in
  /// the command's `-o` format or the session's), through the system commands of `stages`.
  /// The last one's standard output is the result: shown as it is, or kept by `let` as text
  /// (without its final newline). A command that exits non-zero or is killed is a failure
  /// naming it; Ctrl-C (`Session.cancel()`) stops them all and interrupts the script.
  package func pipe(_ result: CommandResult, through stages: [CommandCall], call: CommandCall)
    throws
    -> CommandResult
  {
    var input: [UInt8] = []
    ResultFormatter(width: nil, color: false).stream(
      result, format: result.format ?? session.options.output
    ) { input.append(contentsOf: $0.utf8) }
    var commands: [[String]] = []
    for stage in stages {
      var argv: [String] = []
      for w in stage.words {
        if let splat = try splat(w) { argv += splat } else { argv.append(try evaluate(w).text) }
      }
      commands.append(argv)
    }
    let pipeline = SystemPipeline(
      commands: commands, environment: session.environment.variables,
      directory: session.environment.workingDirectory)
    let ran: SystemPipeline.Run
    do {
      let session = self.session
      ran = try pipeline.run(input: input) { session.isCancelled }
    } catch let failure as SystemPipeline.SpawnFailure {
      let name = commands[failure.index][0]
      let reason = String(cString: strerror(failure.error))
      throw Diagnostic(
        failure.error == ENOENT
          ? "no system command '\(name)'" : "cannot run '\(name)': \(reason.lowercased())",
        code: failure.error == ENOENT ? .notFound : .io,
        notes: [
          failure.error == ENOENT
            ? "after '|' comes a program on PATH, such as jq, grep or wc"
            : "check that '\(name)' is a program you may run"
        ], range: stages[failure.index].words[0].range)
    }
    // At a terminal Ctrl-C reaches the programs too (they are in fsh's process group) and
    // may end them before fsh's own handler cancels the session: a program ended by SIGINT
    // is an interrupt, as in a shell, not a failure of the program.
    if ran.cancelled || session.isCancelled || ran.endings.contains(.signalled(SIGINT)) {
      throw Diagnostic("interrupted", code: .cancelled, range: call.range)
    }
    var text = String(decoding: ran.output, as: UTF8.self)
    var piped = CommandResult(.null, .rendered(text))
    if text.hasSuffix("\n") { text.removeLast() }
    piped.value = .string(text)
    // Shown as the tool wrote it, whatever the session's format.
    piped.format = .table
    piped.failure = result.failure ?? failure(of: ran.endings, commands, stages)
    return piped
  }

  /// The failure of the rightmost command that failed; an earlier one ended by SIGPIPE only
  /// stopped because a later one stopped reading (`| sort | head -1`).
  private func failure(
    of endings: [SystemPipeline.Ending], _ commands: [[String]], _ stages: [CommandCall]
  ) -> Diagnostic? {
    for i in endings.indices.reversed() {
      let name = commands[i][0]
      let message: String
      switch endings[i] {
      case .exited(0): continue
      case .signalled(SIGPIPE) where i < endings.count - 1: continue
      case .exited(let status): message = "'\(name)' exited with status \(status)"
      case .signalled(let signal): message = "'\(name)' was killed by signal \(signal)"
      }
      let d = Diagnostic(
        message, code: .failed,
        notes: ["to go on when it fails: try COMMAND | \(name) … (or let x = try …)"],
        range: stages[i].words[0].range)
      return d.located(in: source, at: d.range)
    }
    return nil
  }
}

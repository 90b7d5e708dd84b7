import Foundation
import FshLanguage
import Synchronization

/// The result of running source text: what a host maps to an exit status and shows.
public struct Outcome: Sendable {
  /// 0 when everything succeeded; see `ExitStatus`.
  public var status: Int32 = 0
  /// Errors that stopped the run, or that happened in it when stop-on-error was off.
  public var diagnostics: [Diagnostic] = []
  /// The error that ended the run, if one did. The others were already reported to the host.
  public var stoppedBy: Diagnostic?
  /// The values of the top-level commands that ran, in order (built when read: a listing's
  /// records are made only if asked for).
  public var values: [Value] {
    get { results.map(\.value) }
    set { results = newValue.map { CommandResult($0, .silent) } }
  }
  package var results: [CommandResult] = []
  /// Whether `exit` ended the run (the host should end too).
  public var exited = false
  /// Whether the text ended early (an open quote or block): a REPL asks for another line.
  public var needsMoreInput = false

  package init() {}
}

/// Documented exit statuses of fsh.
public enum ExitStatus {
  public static let success: Int32 = 0
  /// A command failed.
  public static let failure: Int32 = 1
  /// The script did not parse; nothing ran.
  public static let syntax: Int32 = 2
  /// fsh was started with bad flags (a usage error, like a script that does not parse).
  public static let usage: Int32 = 2
  /// Interrupted (Ctrl-C).
  public static let interrupted: Int32 = 130
}

/// One fsh session: session options, variables, the command table and what the libraries
/// built on the runtime keep in it (fsh's configuration and connection to the control service:
/// FshKit). Scripts, `-c` text and REPL entries all run here.
///
/// A session runs one thing at a time; `cancel()` may be called from any thread.
public final class Session {
  public let environment: SessionEnvironment
  public private(set) var commands: CommandTable
  public weak var host: SessionHost?
  public var options = SessionOptions()
  package var variables: [String: Value] = [:]
  /// What `each NOUN SELECTOR { … }` runs, by noun: a library registers its own (FshKit:
  /// `cluster`). It gets the selector's value, the block's text (at its lines and columns in
  /// the script named by the third argument) and the context; its result is shown as a
  /// command's.
  package var eachRunners:
    [String: (Value, String, String, CommandContext) throws -> CommandResult] = [:]
  package var positional: [String] = []
  /// Whether a run's outcome keeps only its last top-level result (`Outcome.values`): the
  /// executable shows each result as it comes and reads none back, and a script of many
  /// listings of a large cluster kept them all (30 MB each at 100 000 datasets).
  package var keepsOnlyLastResult = false
  package var scriptName = "fsh"
  package var sourceDepth = 0
  private let cancelled = Atomic<Bool>(false)
  /// The width of the terminal results are shown on, nil when there is none (help and
  /// `certs check` wrap their text to it). The executable sets it; it is read at each use, so
  /// a resized terminal is followed.
  public var terminalWidth: () -> Int? = { nil }
  /// What libraries keep in the session, by type (see `state(_:make:)`).
  private var states: [ObjectIdentifier: AnyObject] = [:]
  private let statesLock = NSLock()
  /// Run by `cancel()` (any thread): a library aborts what it is waiting on (a transfer).
  private let cancelHandlers = Mutex<[@Sendable () -> Void]>([])

  /// Creates a session with the given environment and commands.
  public init(
    environment: SessionEnvironment = .current(), commands: CommandTable,
    host: SessionHost? = nil
  ) {
    self.environment = environment
    self.commands = commands
    self.host = host
  }

  /// A library's state in this session, made on first use: one per type.
  package func state<T: AnyObject>(_ type: T.Type, make: () -> T) -> T {
    statesLock.lock()
    defer { statesLock.unlock() }
    if let s = states[ObjectIdentifier(type)] as? T { return s }
    let s = make()
    states[ObjectIdentifier(type)] = s
    return s
  }

  /// Adds what `cancel()` also does.
  package func onCancel(_ handler: @escaping @Sendable () -> Void) {
    cancelHandlers.withLock { $0.append(handler) }
  }

  /// Adds a command to this session's table (an embedding program's own commands).
  public func register(_ command: any Command.Type) { commands.register(command) }

  // MARK: - Variables

  /// A session variable's value.
  public func variable(_ name: String) -> Value? { variables[name] }

  /// Sets a session variable (as `let` does).
  public func setVariable(_ name: String, _ value: Value?) { variables[name] = value }

  // MARK: - Cancellation

  /// Cancels what is running: the current request is aborted and the script stops.
  public func cancel() {
    cancelled.store(true, ordering: .sequentiallyConsistent)
    for handler in cancelHandlers.withLock({ $0 }) { handler() }
    wakeSleeper.signal()
  }

  /// Signalled by `cancel()`, so that `sleep` ends at once rather than at its next tick. (A
  /// signal left over from a cancel outside a sleep wakes the next sleep once, which then
  /// finds nothing cancelled and waits again.)
  private let wakeSleeper = DispatchSemaphore(value: 0)

  /// Whether `cancel()` was called since the current run started.
  public var isCancelled: Bool { cancelled.load(ordering: .sequentiallyConsistent) }

  package func resetCancellation() { cancelled.store(false, ordering: .sequentiallyConsistent) }

  /// Throws a cancellation diagnostic when `cancel()` was called.
  public func checkCancelled() throws {
    if isCancelled { throw Diagnostic("interrupted", code: .cancelled) }
  }

  /// Sleeps, waking early (with an error) when cancelled.
  public func sleep(seconds: Double) throws {
    host?.flush()
    let deadline = Date().addingTimeInterval(seconds)
    while true {
      try checkCancelled()
      let left = deadline.timeIntervalSinceNow
      if left <= 0 { return }
      _ = wakeSleeper.wait(timeout: .now() + min(left, 1))
    }
  }

  // MARK: - Running

  /// Runs source text: a script, `-c` text or one REPL entry.
  ///
  /// - Parameters:
  ///   - text: the source.
  ///   - name: shown in diagnostics (`deploy.fsh`, `<-c>`, `<stdin>`).
  ///   - arguments: the script's `$1`, `$2`, … (nil keeps the current ones).
  ///   - interactive: a REPL entry: failures never stop the session, and an unfinished text
  ///     reports `needsMoreInput` instead of an error.
  public func run(
    _ text: String, name: String, arguments: [String]? = nil, interactive: Bool = false
  ) -> Outcome {
    resetCancellation()
    if let arguments { positional = arguments }
    let source = SourceText(name: name, text: text)
    var outcome = Outcome()
    let script: Script
    do {
      script = try Parser.parse(text)
    } catch let d as Diagnostic {
      if interactive && d.code == .incompleteInput {
        outcome.needsMoreInput = true
        return outcome
      }
      outcome.status = ExitStatus.syntax
      var located = d.located(in: source, at: nil)
      if located.code == .incompleteInput { located.code = .syntax }
      outcome.diagnostics.append(located)
      outcome.stoppedBy = located
      recordFailure(located)
      return outcome
    } catch {
      outcome.status = ExitStatus.syntax
      outcome.diagnostics.append(Diagnostic("\(error)"))
      outcome.stoppedBy = outcome.diagnostics.last
      return outcome
    }
    var interpreter = Interpreter(session: self, source: source, interactive: interactive)
    interpreter.execute(script, into: &outcome)
    return outcome
  }

  /// Runs a script file with arguments (`fsh deploy.fsh prod 265a0498`).
  public func runFile(_ path: String, arguments: [String] = []) -> Outcome {
    do {
      let text = try readScript(path)
      scriptName = path
      return run(text, name: path, arguments: arguments)
    } catch {
      var o = Outcome()
      var d = error as? Diagnostic ?? Diagnostic("\(error)")
      // `fsh datasets`: a command's name, not a file.
      if !path.contains("/"), !FileManager.default.fileExists(atPath: path),
        commands.lookup([path]) != nil
      {
        let line = ([path] + arguments).joined(separator: " ")
        d.notes.append("'\(path)' is a command: run it with fsh -c '\(line)'")
      }
      o.status = ExitStatus.failure
      o.diagnostics = [d]
      o.stoppedBy = d
      return o
    }
  }

  package func readScript(_ path: String) throws -> String {
    let full = Paths.absolute(
      path, relativeTo: environment.workingDirectory, home: environment.variables["HOME"])
    var isDir: ObjCBool = false
    guard FileManager.default.fileExists(atPath: full, isDirectory: &isDir) else {
      throw Diagnostic("cannot read script '\(path)': no such file", code: .io)
    }
    if isDir.boolValue {
      throw Diagnostic("cannot read script '\(path)': it is a directory", code: .io)
    }
    guard let data = FileManager.default.contents(atPath: full) else {
      throw Diagnostic("cannot read script '\(path)': permission denied", code: .io)
    }
    guard let text = String(data: data, encoding: .utf8) else {
      throw Diagnostic("cannot read script '\(path)': it is not UTF-8 text", code: .io)
    }
    // A `#!` line is a comment already; strip a UTF-8 byte order mark.
    return text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text
  }
}

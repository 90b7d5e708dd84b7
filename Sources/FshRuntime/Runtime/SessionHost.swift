/// What a session needs from the program that hosts it: somewhere to show results and
/// warnings, and someone to ask. The `fsh` executable implements it for a terminal; an embedding
/// program can collect results instead.

import FshLanguage

public protocol SessionHost: AnyObject {
  /// Shows the result of a command that was not captured by `let`.
  func show(_ result: CommandResult, options: SessionOptions)
  /// Shows a warning or note; also errors of commands that do not stop the script.
  func report(_ diagnostic: Diagnostic)
  /// Asks a yes/no question; nil when nobody can answer (not a terminal).
  func confirm(_ question: String) -> Bool?
  /// Asks for a line of text (without echo when `secret`); nil when nobody can answer.
  func ask(_ question: String, secret: Bool) -> String?
  /// Lines entered so far, for `history`; empty when the host keeps none.
  var history: [String] { get }
  /// One line of the `--verbose` HTTP trace (standard error in the executable).
  func trace(_ line: String)
  /// A transient status line for a long operation (`wait`); nil clears it. Shown only on a
  /// terminal, never in a script's output.
  func progress(_ status: String?)
  /// An informational line for the person at the terminal (`using cluster …`): never a
  /// result. The executable writes it to standard error, and not at all with `-q`.
  func inform(_ line: String)
  /// Writes out what was shown so far: the session calls it before anything that can take time
  /// (a request, a sleep, a wait), so output never waits on one.
  func flush()
  /// A region redrawn in place (`--watch`), when results in this format go to a terminal;
  /// nil elsewhere (a pipe, a file, `-o json`), where a watch prints one line per change.
  func liveView(options: SessionOptions) -> (any LiveView)?
}

/// A region of a terminal that shows the latest frame of a watch in place of the previous one.
public protocol LiveView: AnyObject {
  /// The terminal's columns and rows now: a frame is laid out for them at each refresh.
  var size: (columns: Int, rows: Int) { get }
  /// Whether colour may be used (`--color`, `NO_COLOR`).
  var color: Bool { get }
  /// Shows `lines` (each fitting the columns) in place of the previous frame.
  func draw(_ lines: [String])
  /// Leaves the last frame on the screen, with the cursor on the line below it.
  func end()
}

extension SessionHost {
  public func flush() {}
  public func trace(_ line: String) {}
  public func progress(_ status: String?) {}
  public func inform(_ line: String) {}
  public func ask(_ question: String, secret: Bool) -> String? { nil }
  public func liveView(options: SessionOptions) -> (any LiveView)? { nil }
}

/// A host that keeps everything in memory: for programs embedding fsh, and for tests.
public final class CollectingHost: SessionHost {
  public private(set) var results: [CommandResult] = []
  public private(set) var reports: [Diagnostic] = []
  /// The answer `confirm` gives; nil means nobody can answer.
  public var answer: Bool? = nil
  public var history: [String] = []

  public init() {}

  public func show(_ result: CommandResult, options: SessionOptions) { results.append(result) }
  public func report(_ diagnostic: Diagnostic) { reports.append(diagnostic) }
  public func confirm(_ question: String) -> Bool? { answer }
  public private(set) var traces: [String] = []
  public func trace(_ line: String) { traces.append(line) }
  /// Informational lines, in order.
  public private(set) var informed: [String] = []
  public func inform(_ line: String) { informed.append(line) }
}

/// How a command's result is shown when it is not captured.

import FshLanguage

public enum Presentation: Equatable, Sendable {
  /// Nothing is shown (the value can still be captured with `let`).
  case silent
  /// The value's text, as is (`echo`).
  case text
  /// A table of the listed record fields, in order.
  case table([Column])
  /// One record as `key: value` lines.
  case record
  /// Text already laid out by the command (shown as is, except with `-o json`).
  case rendered(String)
}

/// A table column: which record field, under which title, and how its cell reads.
public struct Column: Equatable, Sendable {
  public var key: String
  public var title: String
  public var alignRight: Bool
  /// Computes the cell from the whole row (a short id, a human size); nil shows the field.
  /// Only tables use it: JSON and CSV carry the record's own fields.
  public var cell: (@Sendable (Value) -> String)?
  /// Never cut to fit the terminal (full ids under `-l`): the other columns give way.
  public var whole: Bool

  public init(
    _ key: String, _ title: String? = nil, alignRight: Bool = false, whole: Bool = false,
    cell: (@Sendable (Value) -> String)? = nil
  ) {
    self.key = key
    self.title = title ?? key.uppercased()
    self.alignRight = alignRight
    self.whole = whole
    self.cell = cell
  }

  public static func == (a: Column, b: Column) -> Bool {
    a.key == b.key && a.title == b.title && a.alignRight == b.alignRight
  }
}

/// What a command returns: a structured value and how to show it.
public struct CommandResult: Sendable {
  private var stored: Value
  public var presentation: Presentation
  /// A per-command output format (`datasets -o json`), overriding the session's.
  public var format: OutputFormat?
  /// A failure that comes with the rows (`certs check` with a failed line, `config` with a
  /// broken profiles file): the interpreter shows the result in any format, then fails with
  /// this. A command never shows its own rows through the host.
  public var failure: Diagnostic? {
    get { failureBox?.diagnostic }
    set { failureBox = newValue.map(FailureBox.init) }
  }
  /// Boxed: a `Diagnostic` is 136 bytes, more than the rest of a result, and is rare; a run
  /// keeps every top-level result (`Outcome.values`), so a 100 000-line script kept them all.
  private var failureBox: FailureBox?
  /// The line shown on a terminal (standard error) in place of a table with no rows, so an
  /// empty answer does not look like a silent failure: `no datasets`. Nil means `no rows`;
  /// empty means none (the command already said so in a note).
  public var emptyNote: String?
  /// Rows the formatter streams without a record per row (see `RowSource`); the value is then
  /// the list of their records, built only when read.
  package private(set) var rows: (any RowSource)?

  public init(
    _ value: Value, _ presentation: Presentation, failure: Diagnostic? = nil,
    emptyNote: String? = nil
  ) {
    self.stored = value
    self.presentation = presentation
    self.failure = failure
    self.emptyNote = emptyNote
  }

  /// A listing shown as `.table(columns)` whose records are built only if captured.
  package init(rows: any RowSource, columns: [Column], emptyNote: String? = nil) {
    self.stored = .null
    self.presentation = .table(columns)
    self.rows = rows
    self.emptyNote = emptyNote
  }

  /// The structured value: what `let` keeps and `-o json` of the general path prints.
  public var value: Value {
    get {
      guard let rows else { return stored }
      return .list((0..<rows.count).map(rows.value(at:)))
    }
    set {
      stored = newValue
      rows = nil
    }
  }

  /// No value and nothing shown.
  public static let none = CommandResult(.null, .silent)

  /// A line of text for people; the value is the same text.
  public static func text(_ s: String) -> CommandResult { CommandResult(.string(s), .text) }
}

/// A command of the fsh language: one type, with its help, registered in a `CommandTable`.
///
/// Parsing (`init(arguments:)`) is kept apart from running (`run(in:)`): a command that parses
/// has valid arguments; `run` does the work and returns a value.
public protocol Command {
  /// The command's one declaration: words, parameters, help and completion.
  static var help: CommandHelp { get }
  /// Reads its values from arguments already parsed against `help` (through the declared
  /// `Parameter`s); throws a usage diagnostic when a value is invalid.
  init(arguments: inout Arguments) throws
  /// Runs the command.
  func run(in context: CommandContext) throws -> CommandResult
}

extension CommandResult {
  /// The result, or its failure thrown: for a result that is captured (`let`, `( … )`, a
  /// condition) rather than shown.
  @discardableResult
  package func throwingFailure() throws -> CommandResult {
    if let failure { throw failure }
    return self
  }
}

/// A result's failure, on the heap (see `CommandResult.failure`).
private final class FailureBox: Sendable {
  package let diagnostic: Diagnostic
  package init(_ diagnostic: Diagnostic) { self.diagnostic = diagnostic }
}

/// The one error shape of fsh: a message, where it happened, and notes that say what to do.
///
/// Messages are lowercase without a trailing period and quote names: `unknown command 'datsets'`.
/// Commands throw diagnostics without a location; the interpreter adds the position of the
/// command or of the offending argument.
public struct Diagnostic: Error, Equatable, Sendable, CustomStringConvertible {
  /// How serious a diagnostic is.
  public enum Severity: String, Sendable { case error, warning, note }

  /// A stable kind for programs that react to errors; the message is for people. The language's
  /// own kinds are here; the runtime adds the kinds of its domains (FshKit's `Diagnostic+Codes`).
  public struct Code: RawRepresentable, Hashable, Sendable, ExpressibleByStringLiteral {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { rawValue = value }

    public static let syntax: Code = "syntax"
    public static let incompleteInput: Code = "incomplete-input"
    public static let unknownCommand: Code = "unknown-command"
    public static let usage: Code = "usage"
    public static let undefinedVariable: Code = "undefined-variable"
    public static let cancelled: Code = "cancelled"
    public static let failed: Code = "failed"
  }

  public var severity: Severity
  public var code: Code
  public var message: String
  /// Name of the source (file path, `<-c>`, `<stdin>`), when known.
  public var sourceName: String?
  public var range: SourceRange?
  /// The source line the range points into, for the caret display.
  public var sourceLine: String?
  /// Follow-up lines such as `did you mean 'datasets'?` or the fix to apply.
  public var notes: [String]

  public init(
    _ message: String, code: Code = .failed, severity: Severity = .error, notes: [String] = [],
    range: SourceRange? = nil
  ) {
    self.severity = severity
    self.code = code
    self.message = message
    self.notes = notes
    self.range = range
  }

  /// `file:line:col: error: message`, without the source line and caret.
  public var description: String {
    var s = ""
    if let name = sourceName {
      s += name + ":"
      if let r = range { s += "\(r.start.line):\(r.start.column):" }
      s += " "
    }
    s += "\(severity.rawValue): \(message)"
    return s
  }

  /// Returns a copy located in `source` at `range`, unless it already has a location.
  package func located(in source: SourceText, at range: SourceRange?) -> Diagnostic {
    var d = self
    if d.sourceName == nil { d.sourceName = source.name }
    if d.range == nil { d.range = range }
    if d.sourceLine == nil, let r = d.range, d.sourceName == source.name {
      d.sourceLine = source.line(r.start.line)
    }
    return d
  }

  /// A usage error: the command's arguments are wrong.
  public static func usage(_ message: String, notes: [String] = [], range: SourceRange? = nil)
    -> Diagnostic
  { Diagnostic(message, code: .usage, notes: notes, range: range) }
}

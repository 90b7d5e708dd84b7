import FshLanguage

/// An error a library's command may throw as it is (a lookup that matched nothing): the
/// interpreter shows it as this diagnostic, at the command.
public protocol DiagnosticConvertible: Error {
  var diagnostic: Diagnostic { get }
}

import FshLanguage

/// The kinds of error of the runtime (files, waits, lookups); a library adds its own (fsh's
/// Flocker codes are in FshKit). Stable, like the language's own.
extension Diagnostic.Code {
  /// A dataset, node, profile or file that does not exist.
  public static let notFound: Self = "not-found"
  /// A local file or stream could not be read or written.
  public static let io: Self = "io"
  /// A wait gave up.
  public static let timeout: Self = "timeout"
}

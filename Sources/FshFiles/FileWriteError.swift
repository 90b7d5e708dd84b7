#if canImport(Glibc)
  import Glibc
#endif

/// A write that failed: the file it was for and the system's error number. Each caller words
/// it (a diagnostic, a PKI error, a sandbox error); this module knows no messages but strerror's.
public struct FileWriteError: Error, Equatable, Sendable {
  /// The file that was being written (the destination, not a temporary file).
  public var path: String
  /// The `errno` of the call that failed.
  public var code: Int32

  public init(path: String, code: Int32) {
    self.path = path
    self.code = code
  }

  /// `strerror`'s text for `code`.
  public var reason: String { String(cString: strerror(code)) }

  /// Whether an exclusive write found the file already there.
  public var fileExists: Bool { code == EEXIST }
}

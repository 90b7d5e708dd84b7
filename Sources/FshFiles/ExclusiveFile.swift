#if canImport(Glibc)
  import Glibc
#endif

/// Writes a new file with exactly `mode`, never replacing one (`O_EXCL`), synced to disk: keys,
/// certificates and bundle files, which must not overwrite anything.
public enum ExclusiveFile {
  /// Creates `path` (it must not exist), writes `bytes` and syncs. A file left half-written by
  /// a failure is removed; an existing file is never touched (`FileWriteError.fileExists`).
  public static func write(_ bytes: [UInt8], to path: String, mode: mode_t) throws {
    let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
    guard fd >= 0 else { throw FileWriteError(path: path, code: errno) }
    defer { close(fd) }
    fchmod(fd, mode)  // the umask may have narrowed it
    do {
      try FileDescriptorWriter.writeAll(bytes, to: fd, path: path)
      guard fsync(fd) == 0 else { throw FileWriteError(path: path, code: errno) }
    } catch {
      unlink(path)
      throw error
    }
  }

  /// `write(_:to:mode:)` with the UTF-8 of `text`.
  public static func write(_ text: String, to path: String, mode: mode_t) throws {
    try write(Array(text.utf8), to: path, mode: mode)
  }
}

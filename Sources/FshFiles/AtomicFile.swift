#if canImport(Glibc)
  import Glibc
#endif

/// Replaces a file so that readers see the old or the new content, never a mix: the bytes go
/// to a temporary file beside it, which is synced and renamed over it, then the directory is
/// synced. Profiles, history, the name cache and the sandbox's state are written this way.
public enum AtomicFile {
  /// Writes `bytes` to `path` atomically, the file ending with exactly `mode`.
  public static func write(_ bytes: [UInt8], to path: String, mode: mode_t) throws {
    let slash = path.lastIndex(of: "/")
    let directory = slash.map { path[..<$0].isEmpty ? "/" : String(path[..<$0]) } ?? "."
    let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
    let temporary =
      (slash == nil ? "" : (directory == "/" ? "/" : directory + "/"))
      + ".\(name).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp"
    let fd = open(temporary, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, mode)
    guard fd >= 0 else { throw FileWriteError(path: path, code: errno) }
    fchmod(fd, mode)
    do {
      defer { close(fd) }
      try FileDescriptorWriter.writeAll(bytes, to: fd, path: path)
      guard fsync(fd) == 0 else { throw FileWriteError(path: path, code: errno) }
    } catch {
      unlink(temporary)
      throw error
    }
    guard rename(temporary, path) == 0 else {
      let code = errno
      unlink(temporary)
      throw FileWriteError(path: path, code: code)
    }
    let directoryFD = open(directory, O_RDONLY | O_CLOEXEC)
    if directoryFD >= 0 {
      fsync(directoryFD)
      close(directoryFD)
    }
  }

  /// `write(_:to:mode:)` with the UTF-8 of `text`.
  public static func write(_ text: String, to path: String, mode: mode_t) throws {
    try write(Array(text.utf8), to: path, mode: mode)
  }
}

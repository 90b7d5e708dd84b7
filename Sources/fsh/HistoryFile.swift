import Foundation
import FshFiles

/// The persistent history: one entry per line (newlines inside an entry written as `\n`,
/// backslashes as `\\`). Each entry is appended under an exclusive lock, so two sessions never
/// lose each other's lines; the file is trimmed to the size cap when it grows past it.
struct HistoryFile {
  let path: String
  let limit: Int

  /// The last `limit` entries, without consecutive duplicates (two sessions may both have
  /// appended the same line).
  func load() -> [String] {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
    var entries: [String] = []
    for raw in text.split(separator: "\n") {
      let e = HistoryFile.decode(String(raw))
      if entries.last != e { entries.append(e) }
    }
    return Array(entries.suffix(limit))
  }

  /// Appends one entry (and trims the file when it is well over the cap).
  func append(_ entry: String) {
    if path == "/dev/null" { return }
    let dir = (path as NSString).deletingLastPathComponent
    try? FileManager.default.createDirectory(
      atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    // Another session may trim (replace) the file while we wait for the lock: then the
    // descriptor names the old file, so open the new one and lock again.
    var fd: Int32 = -1
    for _ in 0..<10 {
      fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
      guard fd >= 0 else { return }
      while flock(fd, LOCK_EX) != 0 {
        if errno != EINTR {
          close(fd)
          return
        }
      }
      var mine = stat()
      var current = stat()
      if fstat(fd, &mine) == 0, stat(path, &current) == 0, mine.st_ino == current.st_ino,
        mine.st_dev == current.st_dev
      {
        break
      }
      close(fd)
      fd = -1
    }
    guard fd >= 0 else { return }
    defer { close(fd) }  // closing releases the lock
    let line = Array((HistoryFile.encode(entry) + "\n").utf8)
    _ = line.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    trimIfNeeded(lockedFD: fd)
  }

  /// Rewrites the file with its last `limit` entries once it holds 25% more (amortised).
  private func trimIfNeeded(lockedFD fd: Int32) {
    var st = stat()
    guard fstat(fd, &st) == 0, st.st_size > 4096 else { return }
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return }
    let lines = text.split(separator: "\n")
    guard lines.count > limit + limit / 4 else { return }
    let kept = lines.suffix(limit).joined(separator: "\n") + "\n"
    try? AtomicFile.write(kept, to: path, mode: 0o600)
  }

  static func encode(_ s: String) -> String {
    s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\n", with: "\\n")
  }

  static func decode(_ s: String) -> String {
    var out = ""
    var escape = false
    for c in s {
      if escape {
        out.append(c == "n" ? "\n" : c)
        escape = false
      } else if c == "\\" {
        escape = true
      } else {
        out.append(c)
      }
    }
    return out
  }
}

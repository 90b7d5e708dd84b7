import Foundation

/// The persistent history: one entry per line (newlines inside an entry written as `\n`,
/// backslashes as `\\`). Each entry is appended under an exclusive lock, so two sessions never
/// lose each other's lines; the file is trimmed to the size cap when it grows past it.
struct HistoryFile {
  let path: String
  let limit: Int

  func load() -> [String] {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
    let entries = text.split(separator: "\n").map { HistoryFile.decode(String($0)) }
    return Array(entries.suffix(limit))
  }

  /// Appends one entry (and trims the file when it is well over the cap).
  func append(_ entry: String) {
    let dir = (path as NSString).deletingLastPathComponent
    try? FileManager.default.createDirectory(
      atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
    guard fd >= 0 else { return }
    defer { close(fd) }
    guard flock(fd, LOCK_EX) == 0 else { return }
    defer { flock(fd, LOCK_UN) }
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
    let tmp = path + ".tmp.\(getpid())"
    guard FileManager.default.createFile(atPath: tmp, contents: Data(kept.utf8), attributes: [.posixPermissions: 0o600])
    else { return }
    if rename(tmp, path) != 0 { unlink(tmp) }
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

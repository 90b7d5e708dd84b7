import Foundation
import FshFiles
import FshKit
import FshRuntime

#if canImport(Glibc)
  import Glibc
#endif

/// At the interactive prompt, a result taller than the screen goes through `$PAGER` (default
/// `less -FRX`), as psql and git do; `set pager off` turns it off. Never for scripts, `-c` or
/// a pipe (the REPL on a terminal sets `TerminalHost.pagesOutput`).
enum Pager {
  /// The pager command: `$PAGER`, `less -FRX` when unset; nil when set but empty (as in git:
  /// no pager).
  static var command: String? {
    guard let p = getenv("PAGER") else { return "less -FRX" }
    let s = String(cString: p).trimmingCharacters(in: .whitespaces)
    return s.isEmpty ? nil : s
  }

  /// Rows of the terminal on stdout.
  static var height: Int? {
    var w = winsize()
    guard ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &w) == 0, w.ws_row > 0 else { return nil }
    return Int(w.ws_row)
  }

  /// Whether `text` takes at least `rows` rows on a terminal `width` columns wide (a line
  /// wider than the terminal wraps); stops counting there.
  static func isTaller(_ text: String, than rows: Int, width: Int) -> Bool {
    var count = 0
    for line in text.split(separator: "\n", omittingEmptySubsequences: false).dropLast(
      text.hasSuffix("\n") ? 1 : 0)
    {
      // Colour escapes take no columns.
      let plain = line.contains("\u{1B}") ? withoutEscapes(line) : String(line)
      count += max(1, (DisplayWidth.of(plain) + width - 1) / max(1, width))
      if count >= rows { return true }
    }
    return false
  }

  /// `line` without its CSI sequences (`ESC [ … m`).
  static func withoutEscapes(_ line: Substring) -> String {
    var out = String.UnicodeScalarView()
    var inEscape = false
    var afterESC = false
    for u in line.unicodeScalars {
      if afterESC {
        afterESC = false
        inEscape = u == "["
        continue
      }
      if inEscape {
        if (0x40...0x7E).contains(u.value) { inEscape = false }
        continue
      }
      if u == "\u{1B}" {
        afterESC = true
        continue
      }
      out.append(u)
    }
    return String(out)
  }

  /// Shows `text` through `/bin/sh -c COMMAND`, the text on its standard input, and waits
  /// until it ends. False when it could not start (nothing was shown: print it directly).
  static func show(_ text: String, command: String) -> Bool {
    var fds: [Int32] = [0, 0]
    guard pipe(&fds) == 0 else { return false }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_adddup2(&actions, fds[0], 0)
    posix_spawn_file_actions_addclose(&actions, fds[1])
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    // In fsh's process group (the terminal's foreground): it reads the keys. Default
    // signals and none blocked.
    var none = sigset_t()
    sigemptyset(&none)
    posix_spawnattr_setsigmask(&attributes, &none)
    var defaults = sigset_t()
    sigemptyset(&defaults)
    for s in [SIGPIPE, SIGINT, SIGQUIT, SIGTERM] { sigaddset(&defaults, s) }
    posix_spawnattr_setsigdefault(&attributes, &defaults)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
    var child: pid_t = 0
    let argv: [UnsafeMutablePointer<CChar>?] = [
      strdup("sh"), strdup("-c"), strdup(command), nil,
    ]
    defer { argv.forEach { free($0) } }
    let spawned = posix_spawn(&child, "/bin/sh", &actions, &attributes, argv, environ)
    close(fds[0])
    guard spawned == 0 else {
      close(fds[1])
      return false
    }
    writeAll(text, to: fds[1])
    close(fds[1])
    var status: Int32 = 0
    while waitpid(child, &status, 0) < 0 && errno == EINTR {}
    // 126/127: the shell could not run the command (not found, not executable).
    let exited = status & 0x7F == 0
    let code = (status >> 8) & 0xFF
    return !(exited && (code == 126 || code == 127))
  }

  /// Writes until done or the pager is gone (`q` before the end): see `PipeWrite`.
  static func writeAll(_ text: String, to fd: Int32) {
    PipeWrite.all(Array(text.utf8), to: fd)
  }
}

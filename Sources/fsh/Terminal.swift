import Foundation
import FshKit

#if canImport(Glibc)
  import Glibc
#endif

/// The process's terminal: whether stdin/stdout are TTYs, the width, colour.
enum Terminal {
  /// `FSH_TIMING` set: report phase timings on standard error.
  static let timing = ProcessInfo.processInfo.environment["FSH_TIMING"] != nil
  /// `FSH_PER_RECORD` set: listings go the general way, a record per row (the bench compares
  /// the streamed listing with it).
  static let perRecord = ProcessInfo.processInfo.environment["FSH_PER_RECORD"] != nil
  static let stdinIsTTY = isatty(STDIN_FILENO) != 0
  static let stdoutIsTTY = isatty(STDOUT_FILENO) != 0
  static let stderrIsTTY = isatty(STDERR_FILENO) != 0

  /// Columns of the terminal on stdout, nil when not a terminal.
  static var width: Int? {
    guard stdoutIsTTY else { return nil }
    var w = winsize()
    if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &w) == 0, w.ws_col > 0 { return Int(w.ws_col) }
    return 80
  }

  /// Whether to colour output on a stream, from the mode and `NO_COLOR` (https://no-color.org).
  static func useColor(_ mode: ColorMode, tty: Bool) -> Bool {
    switch mode {
    case .always: return true
    case .never: return false
    case .auto: return tty && !colorDisabledByEnvironment
    }
  }

  /// `NO_COLOR` set (https://no-color.org) or a dumb terminal; read once.
  static let colorDisabledByEnvironment: Bool = {
    let env = ProcessInfo.processInfo.environment
    if let v = env["NO_COLOR"], !v.isEmpty { return true }
    return env["TERM"] == "dumb"
  }()

  static func write(_ s: String, to fd: Int32) {
    var bytes = Array(s.utf8)[...]
    while !bytes.isEmpty {
      let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
      if n < 0 {
        if errno == EINTR { continue }
        return  // EPIPE and the like: the reader is gone.
      }
      bytes = bytes.dropFirst(n)
    }
  }
}

/// Shows a session's results on stdout and diagnostics on stderr.
final class TerminalHost: SessionHost {
  var quiet = false
  var historyLines: [String] = []
  var history: [String] { historyLines }
  /// Where output goes (buffered; flushed after each command).
  private var buffer = ""

  func show(_ result: CommandResult, options: SessionOptions) {
    let start = DispatchTime.now().uptimeNanoseconds
    let f = Formatter(
      width: Terminal.width, color: Terminal.useColor(options.color, tty: Terminal.stdoutIsTTY))
    var result = result
    if Terminal.perRecord && result.rows != nil {
      result = CommandResult(result.value, result.presentation)
    }
    // A listing arrives in chunks (see `RowSource`); it is written as it comes.
    f.stream(result, format: options.output) { chunk in
      buffer += chunk
      if buffer.utf8.count > 64 * 1024 { flush() }
    }
    if Terminal.timing {
      let ms = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
      trace(String(format: "timing: render (%@) %.1f ms", options.output.rawValue, ms))
    }
  }

  func flush() {
    guard !buffer.isEmpty else { return }
    Terminal.write(buffer, to: STDOUT_FILENO)
    buffer = ""
  }

  func report(_ diagnostic: Diagnostic) {
    if quiet && diagnostic.severity != .error { return }
    flush()
    printDiagnostic(diagnostic)
  }

  func printDiagnostic(_ d: Diagnostic, color mode: ColorMode = .auto) {
    let p = DiagnosticPrinter(color: Terminal.useColor(mode, tty: Terminal.stderrIsTTY))
    Terminal.write(p.render(d), to: STDERR_FILENO)
  }

  private var progressShown = false

  func progress(_ status: String?) {
    guard Terminal.stderrIsTTY, !quiet else { return }
    if var status {
      flush()
      // One line, rewritten in place: a line that wrapped could not be.
      if let width = Terminal.width, status.count >= width {
        status = String(status.prefix(max(1, width - 2))) + "…"
      }
      Terminal.write("\r\u{1B}[K" + status, to: STDERR_FILENO)
      progressShown = true
    } else if progressShown {
      Terminal.write("\r\u{1B}[K", to: STDERR_FILENO)
      progressShown = false
    }
  }

  func trace(_ line: String) {
    flush()
    Terminal.write(line.hasSuffix("\n") ? line : line + "\n", to: STDERR_FILENO)
  }

  func confirm(_ question: String) -> Bool? {
    guard Terminal.stdinIsTTY else { return nil }
    flush()
    Terminal.write(question + " [y/N] ", to: STDERR_FILENO)
    guard let line = readLine() else { return false }
    return ["y", "yes"].contains(line.trimmingCharacters(in: .whitespaces).lowercased())
  }

  /// Reads a line from the terminal; a secret is read with echo off (restored afterwards).
  func ask(_ question: String, secret: Bool) -> String? {
    guard Terminal.stdinIsTTY else { return nil }
    flush()
    Terminal.write(question + " ", to: STDERR_FILENO)
    var saved = termios()
    let hide = secret && tcgetattr(STDIN_FILENO, &saved) == 0
    if hide {
      var quiet = saved
      quiet.c_lflag &= ~tcflag_t(ECHO)
      tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet)
    }
    let line = readLine()
    if hide {
      tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved)
      Terminal.write("\n", to: STDERR_FILENO)
    }
    return line
  }
}

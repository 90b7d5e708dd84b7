import CFshSupport
import Foundation
import FshKit
import FshLanguage
import FshRuntime

#if canImport(Glibc)
  import Glibc
#endif

/// The process's terminal: whether stdin/stdout are TTYs, the width, colour.
enum Terminal {
  /// `FSH_TIMING` set: report phase timings on standard error.
  static let timing = getenv("FSH_TIMING") != nil
  /// `FSH_PER_RECORD` set: listings go the general way, a record per row (the bench compares
  /// the streamed listing with it).
  static let perRecord = getenv("FSH_PER_RECORD") != nil
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

  /// Columns of the terminal on stderr (where notes go), nil when not a terminal.
  static var stderrWidth: Int? {
    guard stderrIsTTY else { return nil }
    var w = winsize()
    if ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &w) == 0, w.ws_col > 0 { return Int(w.ws_col) }
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
    if let v = getenv("NO_COLOR"), v.pointee != 0 { return true }
    return getenv("TERM").map { String(cString: $0) } == "dumb"
  }()

  static func write(_ s: String, to fd: Int32) {
    var s = s
    s.withUTF8 { write($0, to: fd) }
  }

  static func write(_ bytes: UnsafeBufferPointer<UInt8>, to fd: Int32) {
    var done = 0
    while done < bytes.count {
      let n = Glibc.write(fd, bytes.baseAddress! + done, bytes.count - done)
      if n < 0 {
        if errno == EINTR { continue }
        return  // EPIPE and the like: the reader is gone.
      }
      done += n
    }
  }
}

/// Shows a session's results on stdout and diagnostics on stderr.
final class TerminalHost: SessionHost {
  var quiet = false
  /// The session it shows: Ctrl-C at a question cancels what runs (a script stops there).
  weak var session: Session?
  var historyLines: [String] = []
  var history: [String] { historyLines }
  /// Where output goes (buffered; flushed after each command).
  private var buffer = ""
  /// The session's colour mode (`--color`, `set color`), read for every line printed, so
  /// warnings and errors follow it like results do.
  var colorMode: () -> ColorMode = { .auto }

  /// At the interactive prompt on a terminal (set by the REPL): results taller than the
  /// screen go through the pager unless `set pager off`.
  var pagesOutput = false

  func show(_ result: CommandResult, options: SessionOptions) {
    let start = DispatchTime.now().uptimeNanoseconds
    let f = ResultFormatter(
      width: Terminal.width, color: Terminal.useColor(options.color, tty: Terminal.stdoutIsTTY))
    var result = result
    if Terminal.perRecord && result.rows != nil {
      result = CommandResult(
        result.value, result.presentation, failure: result.failure, emptyNote: result.emptyNote)
    }
    if pagesOutput, options.pager, Terminal.stdoutIsTTY, let command = Pager.command,
      let height = Pager.height, let width = Terminal.width
    {
      // The whole result first: only then is it known whether it fits.
      var text = ""
      f.stream(result, format: options.output) { text += $0 }
      flush()
      if !Pager.isTaller(text, than: height, width: width) || !Pager.show(text, command: command) {
        Terminal.write(text, to: STDOUT_FILENO)
      }
    } else {
      stream(result, with: f, format: options.output)
    }
    if Terminal.stderrIsTTY, let note = f.emptyNote(result, format: options.output) {
      // As `kubectl get` does: a person at a terminal sees that the answer is empty.
      flush()
      Terminal.write(note + "\n", to: STDERR_FILENO)
    }
    // On a terminal a complete line is shown at once; elsewhere the session flushes before
    // anything that can take time (a request, a sleep), and a script's end flushes the rest.
    if Terminal.stdoutIsTTY { flush() }
    if Terminal.timing {
      let ms = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
      trace(String(format: "timing: render (%@) %.1f ms", options.output.rawValue, ms))
    }
  }

  private func stream(_ result: CommandResult, with f: ResultFormatter, format: OutputFormat) {
    // A listing arrives in chunks (see `RowSource`); it is written as it comes.
    f.streamBytes(result, format: format) { chunk in
      // A listing's chunks are 64 KiB already: written as they are (after what is waiting),
      // not copied again nor read as a `String`.
      if chunk.count >= 64 * 1024 {
        flush()
        Terminal.write(chunk, to: STDOUT_FILENO)
        return
      }
      buffer += String(decoding: chunk, as: UTF8.self)
      if buffer.utf8.count > 64 * 1024 { flush() }
    }
  }

  func liveView(options: SessionOptions) -> (any LiveView)? {
    guard Terminal.stdoutIsTTY, options.output == .table else { return nil }
    flush()
    progress(nil)
    return TerminalLiveView(color: Terminal.useColor(options.color, tty: true))
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

  /// Prints a diagnostic on standard error, wrapped to its width; `showsLocation: false` drops
  /// the `NAME:line:col:` head (a line just typed at the prompt: the caret shows where).
  func printDiagnostic(_ d: Diagnostic, showsLocation: Bool = true) {
    let p = DiagnosticPrinter(
      color: Terminal.useColor(colorMode(), tty: Terminal.stderrIsTTY),
      showsLocation: showsLocation, width: Terminal.stderrWidth)
    Terminal.write(p.render(d), to: STDERR_FILENO)
  }

  private var progressShown = false

  func progress(_ status: String?) {
    guard Terminal.stderrIsTTY, !quiet else { return }
    if var status {
      flush()
      // One line, rewritten in place: a line that wrapped could not be.
      if let width = Terminal.width, DisplayWidth.of(status) >= width {
        status = Self.fit(status, width: width)
      }
      Terminal.write("\r\u{1B}[K" + status, to: STDERR_FILENO)
      progressShown = true
    } else if progressShown {
      Terminal.write("\r\u{1B}[K", to: STDERR_FILENO)
      progressShown = false
    }
  }

  /// A status line cut to fit `width - 1` columns. A last ` (…)` part (`(3s of 30s)`, what
  /// changes while it is shown) is kept and the middle is cut instead.
  static func fit(_ status: String, width: Int) -> String {
    if status.hasSuffix(")"), let open = status.range(of: " (", options: .backwards) {
      let tail = String(status[open.lowerBound...])
      let room = width - 2 - DisplayWidth.of(tail)
      if room >= 10 {
        return DisplayWidth.prefix(String(status[..<open.lowerBound]), columns: room) + "…" + tail
      }
    }
    return DisplayWidth.prefix(status, columns: max(1, width - 2)) + "…"
  }

  func inform(_ line: String) {
    guard !quiet else { return }
    flush()
    Terminal.write(line.hasSuffix("\n") ? line : line + "\n", to: STDERR_FILENO)
  }

  func trace(_ line: String) {
    flush()
    Terminal.write(line.hasSuffix("\n") ? line : line + "\n", to: STDERR_FILENO)
  }

  func confirm(_ question: String) -> Bool? {
    guard Terminal.stdinIsTTY else { return nil }
    flush()
    Terminal.write(question + " [y/N] ", to: STDERR_FILENO)
    // Ctrl-C or Ctrl-D at the question answers no.
    let answer = Terminal.readAnswer()
    guard case .line(let line) = answer else {
      Terminal.write("\n", to: STDERR_FILENO)
      if answer == .interrupted { session?.cancel() }
      return false
    }
    return ["y", "yes"].contains(line.trimmingCharacters(in: .whitespaces).lowercased())
  }

  /// Reads a line from the terminal; a secret is read with echo off (restored afterwards).
  /// Ctrl-C or Ctrl-D gives nil.
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
    let answer = Terminal.readAnswer()
    if hide { tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved) }
    if hide || answer == .interrupted { Terminal.write("\n", to: STDERR_FILENO) }
    if answer == .interrupted { session?.cancel() }
    guard case .line(let line) = answer else { return nil }
    return line
  }
}

/// What reading an answer at the terminal gave.
enum TerminalAnswer: Equatable {
  case line(String)
  case interrupted
  case endOfInput
}

extension Terminal {
  /// Reads one line of a question's answer with read(2) on standard input (the terminal is in
  /// its ordinary line mode here). Not through stdio: an interrupted `getline` leaves the
  /// `FILE` in an error state, and a SIGINT must end the read instead of restarting it.
  static func readAnswer() -> TerminalAnswer {
    cfsh_sigint_push()
    defer { cfsh_sigint_pop() }
    let interruptsBefore = cfsh_sigint_count()
    var bytes: [UInt8] = []
    var byte: UInt8 = 0
    while true {
      let n = Glibc.read(STDIN_FILENO, &byte, 1)
      if n == 1 {
        if byte == UInt8(ascii: "\n") { break }
        bytes.append(byte)
        continue
      }
      if n < 0 && errno == EINTR {
        if cfsh_sigint_count() != interruptsBefore || cfsh_termination_signal() != 0 {
          return .interrupted
        }
        continue
      }
      // End of input (Ctrl-D on an empty line) or a read error.
      if bytes.isEmpty || n < 0 { return .endOfInput }
      break
    }
    return .line(String(decoding: bytes, as: UTF8.self))
  }
}

/// A watch's frame on standard output, redrawn in place (`LiveFrame`); the cursor is hidden
/// meanwhile and shown again at the end, whatever ends the watch.
final class TerminalLiveView: LiveView {
  private var frame = LiveFrame()
  private var cursorHidden = false
  let color: Bool

  init(color: Bool) { self.color = color }

  var size: (columns: Int, rows: Int) { (Terminal.width ?? 80, Pager.height ?? 24) }

  func draw(_ lines: [String]) {
    var out = cursorHidden ? "" : "\u{1B}[?25l"
    cursorHidden = true
    out += frame.update(to: lines, columns: size.columns)
    if !out.isEmpty { Terminal.write(out, to: STDOUT_FILENO) }
  }

  func end() {
    if cursorHidden { Terminal.write("\u{1B}[?25h", to: STDOUT_FILENO) }
    cursorHidden = false
  }
}

import CEditLine
import CFshSupport
import Foundation
import FshKit
import FshRuntime

/// What one read from the terminal gave.
enum LineInput {
  case line(String)
  case interrupted
  case endOfInput
}

/// Where the REPL reads its lines: the line editor, or plain reads when stdout is not a
/// terminal.
protocol LineSource: AnyObject {
  /// The prompt for the next read (colour escapes included).
  func setPrompt(_ prompt: String)
  func read() -> LineInput
  func addHistory(_ line: String)
  /// Writes text for the person at the terminal (not results).
  func write(_ s: String)
}

/// Supplies completions for the line editor: the word before the cursor and its candidates.
protocol LineCompleter: AnyObject {
  func complete(line: String) -> CompletionResult
}

/// libedit through its native histedit.h API: emacs bindings (then the user's ~/.editrc),
/// UTF-8 (the caller sets LC_CTYPE first), history, and Tab completion from a `LineCompleter`:
/// the first Tab inserts the unique candidate or the common prefix, the second lists them.
final class LineEditor: LineSource {
  private let el: OpaquePointer
  private let hist: OpaquePointer
  private var promptC: UnsafeMutablePointer<CChar>? = strdup("fsh> ")
  weak var completer: LineCompleter?
  private let out: UnsafeMutablePointer<FILE>
  private var lastCompletionLine: String? = nil
  /// The prompt delimiter for colour escapes (EL_PROMPT_ESC).
  static let escape: CChar = 1

  /// Why libedit could not be loaded (the dynamic loader's words), or nil when it is loaded.
  /// It is loaded on first use, not linked (see CEditLine.h).
  static func loadLibrary() -> String? { cel_load().map { String(cString: $0) } }

  /// An editor on the terminal; nil when libedit cannot be loaded (`loadLibrary` says why).
  init?(historySize: Int32) {
    // libedit needs a terminal on its output: when stdout is not one, edit on stderr.
    let out: UnsafeMutablePointer<FILE> = isatty(STDOUT_FILENO) != 0 ? cel_stdout() : cel_stderr()
    guard Self.loadLibrary() == nil,
      let el = cel_init(CommandLine.arguments.first ?? "fsh", cel_stdin(), out, cel_stderr())
    else { return nil }
    guard let hist = chist_init() else {
      cel_end(el)
      return nil
    }
    self.out = out
    self.el = el
    self.hist = hist
    _ = chist_setsize(hist, historySize)
    _ = chist_setunique(hist, 1)
    _ = cel_set_clientdata(el, Unmanaged.passUnretained(self).toOpaque())
    _ = cel_set_editor(el, "emacs")
    // fsh handles signals itself (CFshSupport): libedit's EL_SIGNAL handlers re-raise with
    // kill(0, sig), which also hits a parent in our process group (`sh -c 'fsh; …'`). INT, TERM,
    // HUP and QUIT make el_gets return (EINTR), and el_gets restores the terminal as it returns.
    _ = cel_set_signal(el, 0)
    cfsh_install_editor_signals(UnsafeMutableRawPointer(el), cel_resize_cb, cel_refresh_cb)
    _ = cel_set_prompt_esc(el, lineEditorPrompt, LineEditor.escape)
    _ = cel_set_hist(el, hist)
    _ = cel_addfn(el, "fsh-complete", "complete the word before the cursor", lineEditorComplete)
    _ = cel_bind(el, "^I", "fsh-complete")
    // Older libedit binds ^R to redisplay; make it search history as readline users expect.
    _ = cel_bind(el, "^R", "em-inc-search-prev")
    cel_source(el, nil)  // $EDITRC or ~/.editrc, last so the user's bindings win
  }

  deinit {
    chist_end(hist)
    cel_end(el)
    free(promptC)
  }

  func setPrompt(_ prompt: String) {
    free(promptC)
    promptC = strdup(prompt)
  }

  fileprivate var promptPointer: UnsafeMutablePointer<CChar>? { promptC }

  /// Reads one line; Ctrl-C gives `.interrupted`, Ctrl-D on an empty line `.endOfInput`.
  func read() -> LineInput {
    var count: Int32 = 0
    lastCompletionLine = nil
    let interruptsBefore = cfsh_sigint_count()
    cfsh_editor_active(1)
    let got = cel_gets(el, &count)
    let savedErrno = errno
    cfsh_editor_active(0)
    errno = savedErrno
    // Ctrl-C in a mode of libedit's own (Ctrl-R search, a vi command waiting for its motion)
    // makes that mode's read fail, and libedit answers end-of-file: count the signal instead,
    // and reset the editor so that the mode is left behind with the line.
    if cfsh_sigint_count() != interruptsBefore {
      cel_reset(el)
      return .interrupted
    }
    guard let c = got else {
      if count == -1 && errno == EINTR { return .interrupted }
      return .endOfInput
    }
    var line = String(cString: c)
    if line.hasSuffix("\n") { line.removeLast() }
    return .line(line)
  }

  /// Adds a line to the in-memory history (Up-arrow recall).
  func addHistory(_ line: String) { _ = chist_enter(hist, line) }

  func write(_ s: String) {
    fputs(s, out)
    fflush(out)
  }

  fileprivate func complete() -> UInt8 {
    guard let completer, let info = cel_line(el)?.pointee else { return UInt8(CC_ERROR) }
    let n = info.buffer.distance(to: info.cursor)
    let before = String(
      decoding: UnsafeRawBufferPointer(start: info.buffer, count: n), as: UTF8.self)
    let result = completer.complete(line: before)
    let secondTab = lastCompletionLine == before
    lastCompletionLine = before
    let typed = before[result.wordStart...]
    let candidates = result.candidates
    guard !candidates.isEmpty else { return UInt8(CC_REFRESH_BEEP) }
    func replace(with text: String) {
      if text == typed { return }
      cel_deletestr(el, Int32(typed.unicodeScalars.count))
      _ = cel_insertstr(el, text)
    }
    if candidates.count == 1 {
      let c = candidates[0]
      let final = result.isFinal(c)
      replace(with: result.replacement(c, final: final) + (final ? " " : ""))
      lastCompletionLine = nil
      return UInt8(CC_REFRESH)
    }
    let common = LineEditor.commonPrefix(candidates)
    if common.count > result.prefix.count {
      replace(with: result.replacement(common, final: false))
      if let line = cel_line(el)?.pointee {
        let m = line.buffer.distance(to: line.cursor)
        lastCompletionLine = String(
          decoding: UnsafeRawBufferPointer(start: line.buffer, count: m), as: UTF8.self)
      }
      return UInt8(CC_REFRESH)
    }
    if secondTab {
      let shown = candidates.map { c -> String in
        guard result.kind == .file, let slash = c.dropLast().lastIndex(of: "/") else { return c }
        return String(c[c.index(after: slash)...])
      }
      write("\n" + LineEditor.columns(shown, width: Terminal.width ?? 80) + "\n")
      return UInt8(CC_REDISPLAY)
    }
    return UInt8(CC_REFRESH_BEEP)
  }

  static func commonPrefix(_ items: [String]) -> String {
    guard var prefix = items.first else { return "" }
    for s in items.dropFirst() {
      while !s.hasPrefix(prefix) { prefix.removeLast() }
    }
    return prefix
  }

  /// Lays candidates out in columns, down then across, as shells do.
  static func columns(_ items: [String], width: Int, limit: Int = 300) -> String {
    let list = Array(items.prefix(limit))
    let cell = (list.map(\.count).max() ?? 0) + 2
    let perLine = max(1, width / cell)
    let rows = (list.count + perLine - 1) / perLine
    var lines: [String] = []
    for r in 0..<rows {
      var line = ""
      for c in 0..<perLine {
        let i = c * rows + r
        guard i < list.count else { break }
        line += list[i].padding(toLength: cell, withPad: " ", startingAt: 0)
      }
      while line.hasSuffix(" ") { line.removeLast() }
      lines.append(line)
    }
    if items.count > limit { lines.append("… and \(items.count - limit) more") }
    return lines.joined(separator: "\n")
  }
}

/// Reads lines without editing: when stdin is a terminal but stdout is not (`fsh | tee log`: no
/// prompt), or when libedit cannot be loaded (a plain prompt on stdout, no history recall).
final class PlainLineSource: LineSource {
  private let prompts: Bool
  private var prompt = ""

  init(prompts: Bool = false) { self.prompts = prompts }

  func setPrompt(_ prompt: String) {
    // Without the delimiters that only libedit reads around colour escapes.
    self.prompt = prompt.filter { $0 != Character(UnicodeScalar(UInt8(LineEditor.escape))) }
  }

  /// Bytes read after the last line returned (a paste can bring several lines in one read).
  private var pending: [UInt8] = []
  private var atEnd = false

  /// Reads one line with read(2) on standard input, not `Swift.readLine`: after Ctrl-C that one
  /// retries the interrupted read forever on a stream whose error flag is set (100 % CPU, no
  /// prompt); here EINTR is `.interrupted`, and the partial line is dropped with the terminal's.
  func read() -> LineInput {
    if prompts { Terminal.write(prompt, to: STDOUT_FILENO) }
    var chunk = [UInt8](repeating: 0, count: 4096)
    while true {
      if let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
        let line = String(decoding: pending[..<newline], as: UTF8.self)
        pending.removeSubrange(...newline)
        return .line(line)
      }
      if atEnd {
        guard !pending.isEmpty else { return .endOfInput }
        defer { pending = [] }
        return .line(String(decoding: pending, as: UTF8.self))
      }
      let n = chunk.withUnsafeMutableBytes { Glibc.read(STDIN_FILENO, $0.baseAddress, $0.count) }
      if n < 0 && errno == EINTR {
        pending = []
        return .interrupted
      }
      if n <= 0 {
        atEnd = true  // end of file, or an error reading: either way there is no more input
      } else {
        pending.append(contentsOf: chunk[..<n])
      }
    }
  }

  func addHistory(_ line: String) {}

  func write(_ s: String) { Terminal.write(s, to: STDERR_FILENO) }
}

private let lineEditorPrompt: @convention(c) (OpaquePointer?) -> UnsafeMutablePointer<CChar>? = {
  el in
  guard let el, let raw = cel_get_clientdata(el) else { return nil }
  return Unmanaged<LineEditor>.fromOpaque(raw).takeUnretainedValue().promptPointer
}

private let lineEditorComplete: @convention(c) (OpaquePointer?, Int32) -> UInt8 = { el, _ in
  guard let el, let raw = cel_get_clientdata(el) else { return UInt8(CC_ERROR) }
  return Unmanaged<LineEditor>.fromOpaque(raw).takeUnretainedValue().complete()
}

import CEditLine
import CFshSupport
import Foundation

/// What one read from the line editor gave.
enum LineInput {
  case line(String)
  case interrupted
  case endOfInput
}

/// Supplies completions for the line editor: candidates for the word before the cursor.
protocol LineCompleter: AnyObject {
  /// Returns the word being completed (its start offset in `line`) and its candidates.
  func complete(line: String) -> (wordStart: String.Index, candidates: [String])
}

/// libedit through its native histedit.h API: emacs bindings, the user's ~/.editrc, UTF-8,
/// history, and Tab completion from a `LineCompleter`.
final class LineEditor {
  private let el: OpaquePointer
  private let hist: OpaquePointer
  private var promptC: UnsafeMutablePointer<CChar>? = strdup("fsh> ")
  weak var completer: LineCompleter?
  private let out: UnsafeMutablePointer<FILE>
  private var lastCompletionLine = ""
  private var tabCount = 0

  init(historySize: Int32) {
    // libedit needs a terminal on its output: when stdout is piped, edit on stderr.
    out = isatty(STDOUT_FILENO) != 0 ? cel_stdout() : cel_stderr()
    el = el_init(CommandLine.arguments[0], cel_stdin(), out, cel_stderr())
    hist = history_init()
    _ = chist_setsize(hist, historySize)
    _ = chist_setunique(hist, 1)
    _ = cel_set_clientdata(el, Unmanaged.passUnretained(self).toOpaque())
    _ = cel_set_editor(el, "emacs")
    _ = cel_set_signal(el, 1)
    _ = cel_set_prompt(el, lineEditorPrompt)
    _ = cel_set_hist(el, hist)
    _ = cel_addfn(el, "fsh-complete", "complete the word before the cursor", lineEditorComplete)
    _ = cel_bind(el, "^I", "fsh-complete")
    el_source(el, nil)  // ~/.editrc
  }

  deinit {
    history_end(hist)
    el_end(el)
    free(promptC)
  }

  var prompt: String = "fsh> " {
    didSet {
      free(promptC)
      promptC = strdup(prompt)
    }
  }

  fileprivate var promptPointer: UnsafeMutablePointer<CChar>? { promptC }

  /// Reads one line; Ctrl-C gives `.interrupted`, Ctrl-D `.endOfInput`.
  func read() -> LineInput {
    var count: Int32 = 0
    tabCount = 0
    guard let c = el_gets(el, &count) else {
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
    guard let completer, let info = el_line(el)?.pointee else { return UInt8(CC_ERROR) }
    let n = info.buffer.distance(to: info.cursor)
    let before = String(decoding: UnsafeRawBufferPointer(start: info.buffer, count: n), as: UTF8.self)
    let (start, candidates) = completer.complete(line: before)
    let word = String(before[start...])
    if before == lastCompletionLine { tabCount += 1 } else { tabCount = 1 }
    lastCompletionLine = before
    guard !candidates.isEmpty else { return UInt8(CC_REFRESH_BEEP) }
    if candidates.count == 1 {
      let rest = String(candidates[0].dropFirst(word.count))
      let suffix = candidates[0].hasSuffix("/") ? "" : " "
      _ = el_insertstr(el, rest + suffix)
      return UInt8(CC_REFRESH)
    }
    let common = LineEditor.commonPrefix(candidates)
    if common.count > word.count {
      _ = el_insertstr(el, String(common.dropFirst(word.count)))
      return UInt8(CC_REFRESH)
    }
    if tabCount >= 2 {
      write("\n" + LineEditor.columns(candidates) + "\n")
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

  static func columns(_ items: [String]) -> String {
    let width = (Terminal.width ?? 80)
    let cell = (items.map(\.count).max() ?? 0) + 2
    let perLine = max(1, width / cell)
    var out = ""
    for (i, item) in items.enumerated() {
      out += item.padding(toLength: cell, withPad: " ", startingAt: 0)
      if (i + 1) % perLine == 0 && i + 1 < items.count { out += "\n" }
    }
    return out
  }
}

private let lineEditorPrompt: @convention(c) (OpaquePointer?) -> UnsafeMutablePointer<CChar>? = { el in
  guard let el, let raw = cel_get_clientdata(el) else { return nil }
  return Unmanaged<LineEditor>.fromOpaque(raw).takeUnretainedValue().promptPointer
}

private let lineEditorComplete: @convention(c) (OpaquePointer?, Int32) -> UInt8 = { el, _ in
  guard let el, let raw = cel_get_clientdata(el) else { return UInt8(CC_ERROR) }
  return Unmanaged<LineEditor>.fromOpaque(raw).takeUnretainedValue().complete()
}

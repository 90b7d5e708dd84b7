import CFshSupport
import FshKit
import Foundation

/// The interactive loop: read a line (with a continuation prompt while input is unfinished),
/// run it, show the result. Ctrl-C cancels a running command or drops the line; Ctrl-D exits.
final class REPL: LineCompleter {
  let session: Session
  let host: TerminalHost
  let runRC: Bool
  let editor: LineEditor
  let history: HistoryFile
  let completion: Completion

  init(session: Session, host: TerminalHost, runRC: Bool) {
    self.session = session
    self.host = host
    self.runRC = runRC
    let limit = Int(session.environment.variables["FSH_HISTSIZE"] ?? "") ?? 5000
    history = HistoryFile(path: session.environment.stateDirectory + "/history", limit: max(1, limit))
    editor = LineEditor(historySize: Int32(max(1, limit)))
    completion = Completion(session: session)
    editor.completer = self
  }

  func complete(line: String) -> (wordStart: String.Index, candidates: [String]) {
    let r = completion.complete(line)
    return (r.wordStart, r.candidates)
  }

  func run() -> Int32 {
    cfsh_install_sigint()
    let watcher = InterruptWatcher(session: session)
    watcher.start()
    defer { watcher.stop() }
    for line in history.load() {
      editor.addHistory(line)
      host.historyLines.append(line)
    }
    if runRC { runRCFile() }
    var buffer = ""
    var lastStatus: Int32 = 0
    while true {
      editor.prompt = buffer.isEmpty ? prompt() : "...> "
      switch editor.read() {
      case .endOfInput:
        editor.write("\n")
        return lastStatus
      case .interrupted:
        editor.write("^C\n")
        buffer = ""
        continue
      case .line(let line):
        buffer += buffer.isEmpty ? line : "\n" + line
        if buffer.trimmingCharacters(in: .whitespaces).isEmpty {
          buffer = ""
          continue
        }
        watcher.reset()
        let outcome = session.run(buffer, name: "<stdin>", interactive: true)
        if outcome.needsMoreInput { continue }
        remember(buffer)
        host.flush()
        if let d = outcome.stoppedBy { host.printDiagnostic(d, color: session.options.color) }
        lastStatus = outcome.status
        buffer = ""
        if outcome.exited { return outcome.status }
      }
    }
  }

  /// Saves an entry unless it starts with a space or repeats the previous one.
  func remember(_ entry: String) {
    guard !entry.hasPrefix(" "), host.historyLines.last != entry else { return }
    editor.addHistory(entry)
    host.historyLines.append(entry)
    history.append(entry)
  }

  func prompt() -> String {
    let c = session.configuration
    let name = c.cluster?.value ?? c.host ?? "no cluster"
    return "fsh:\(name)> "
  }

  func runRCFile() {
    let path = session.environment.configDirectory + "/fshrc"
    guard FileManager.default.fileExists(atPath: path) else { return }
    let outcome = session.runFile(path)
    host.flush()
    if let d = outcome.stoppedBy { host.printDiagnostic(d) }
  }
}

/// Turns SIGINT (counted by the C handler) into `session.cancel()` while a command runs.
final class InterruptWatcher: @unchecked Sendable {
  let session: Session
  private var seen: Int32 = 0
  private var running = true
  private let lock = NSLock()

  init(session: Session) { self.session = session }

  func start() {
    seen = cfsh_sigint_count()
    Thread.detachNewThread { [self] in
      while isRunning {
        let n = cfsh_sigint_count()
        if n != lastSeen {
          setSeen(n)
          session.cancel()
        }
        Thread.sleep(forTimeInterval: 0.02)
      }
    }
  }

  private var isRunning: Bool {
    lock.lock()
    defer { lock.unlock() }
    return running
  }
  private var lastSeen: Int32 {
    lock.lock()
    defer { lock.unlock() }
    return seen
  }
  private func setSeen(_ n: Int32) {
    lock.lock()
    seen = n
    lock.unlock()
  }

  /// Forgets interrupts that arrived at the prompt (they only dropped the line).
  func reset() { setSeen(cfsh_sigint_count()) }

  func stop() {
    lock.lock()
    running = false
    lock.unlock()
  }
}

import CFshSupport
import Foundation
import FshKit
import FshLanguage
import FshRuntime

/// The sandbox a session was started with (`fsh --sandbox`), for the prompt and the banner.
struct SandboxInfo {
  var host: String
  var port: Int
  var nodes: Int
  var directory: String
}

/// The interactive loop: read a line (with a continuation prompt while input is unfinished),
/// run it, show the result. Ctrl-C cancels a running command or drops the line; Ctrl-D exits;
/// SIGTERM and SIGHUP end the session cleanly (terminal restored, history saved).
final class REPL: LineCompleter {
  let session: Session
  let host: TerminalHost
  let runRC: Bool
  let sandbox: SandboxInfo?
  let input: LineSource
  let history: HistoryFile
  let completion: Completion
  let refresher: NameRefresher
  /// Whether the line editor (and so prompts, banner and colour) is in use.
  let interactive: Bool

  /// The history size cap: `FSH_HISTSIZE`, default 1000.
  static let defaultHistorySize = 1000

  init(session: Session, host: TerminalHost, runRC: Bool, sandbox: SandboxInfo? = nil) {
    self.session = session
    self.host = host
    self.runRC = runRC
    self.sandbox = sandbox
    let env = session.environment.variables
    let limit = max(1, Int(env["FSH_HISTSIZE"] ?? "") ?? REPL.defaultHistorySize)
    let path =
      env["FSH_HISTFILE"].flatMap { $0.isEmpty ? nil : $0 } ?? session.environment.stateDirectory
      + "/history"
    history = HistoryFile(path: path, limit: limit)
    interactive = Terminal.stdinIsTTY && Terminal.stdoutIsTTY
    if interactive, let editor = LineEditor(historySize: Int32(min(limit, Int(Int32.max)))) {
      input = editor
    } else if interactive {
      // libedit is loaded only now (see CEditLine.h): without it, a plain prompt still works.
      host.report(
        Diagnostic(
          "line editing is off: libedit could not be loaded "
            + "(\(LineEditor.loadLibrary() ?? "unknown reason")); install it with "
            + "'apt-get install libedit2'",
          severity: .warning))
      input = PlainLineSource(prompts: true)
    } else {
      input = PlainLineSource()
    }
    completion = Completion(session: session)
    refresher = NameRefresher(
      cache: session.names, store: NameStore(stateDirectory: session.environment.stateDirectory))
    completion.willReadNames = { [refresher] in refresher.waitIfCold() }
    (input as? LineEditor)?.completer = self
  }

  func complete(line: String) -> CompletionResult { completion.result(for: line) }

  func run() -> Int32 {
    cfsh_install_sigint()
    cfsh_install_termination()
    let watcher = InterruptWatcher(session: session)
    watcher.start()
    defer { watcher.stop() }
    refresher.start()
    defer { refresher.stop() }
    refresher.refresh(refreshTarget())
    for line in history.load() {
      input.addHistory(line)
      host.historyLines.append(line)
    }
    if interactive && !host.quiet { input.write(banner()) }
    if runRC {
      watcher.commandStarted()
      runRCFile()
      watcher.commandFinished()
    }
    // Typed lines only (not the rc file): a tall result goes through the pager.
    host.pagesOutput = interactive
    defer { host.pagesOutput = false }
    var buffer = ""
    var lastStatus: Int32 = 0
    while true {
      if let sig = terminationSignal() { return sig }
      if buffer.isEmpty {
        input.setPrompt(prompt())
      } else {
        input.setPrompt(continuationPrompt())
      }
      switch input.read() {
      case .endOfInput:
        if let sig = terminationSignal() { return sig }
        if interactive { input.write("\n") }
        return lastStatus
      case .interrupted:
        if let sig = terminationSignal() { return sig }
        if interactive { input.write("\n") }
        buffer = ""
        continue
      case .line(let line):
        buffer += buffer.isEmpty ? line : "\n" + line
        if buffer.trimmingCharacters(in: .whitespaces).isEmpty {
          buffer = ""
          continue
        }
        watcher.commandStarted()
        let outcome = session.run(buffer, name: "<stdin>", interactive: true)
        watcher.commandFinished()
        if outcome.needsMoreInput { continue }
        remember(buffer)
        host.flush()
        if var d = outcome.stoppedBy {
          if d.code == .cancelled {
            // Ctrl-C: the terminal echoed ^C; say what stopped, without the source excerpt.
            if interactive { Terminal.write("\n", to: STDERR_FILENO) }
            d.sourceName = nil
            d.range = nil
            d.sourceLine = nil
          }
          // A line typed at the terminal: the caret shows where, the `<stdin>:1:11:` head
          // would only repeat it. Piped input and scripts keep the head.
          host.printDiagnostic(d, showsLocation: !Terminal.stdinIsTTY)
        }
        lastStatus = outcome.status
        buffer = ""
        refresher.refresh(refreshTarget())
        if outcome.exited { return outcome.status }
      }
    }
  }

  /// 128 + the signal when SIGTERM or SIGHUP arrived (history is already on disk).
  func terminationSignal() -> Int32? {
    let sig = cfsh_termination_signal()
    guard sig != 0 else { return nil }
    host.flush()
    if interactive { input.write("\n") }
    return 128 + sig
  }

  /// Saves an entry unless it starts with a space or repeats the previous one.
  func remember(_ entry: String) {
    guard !entry.hasPrefix(" "), host.historyLines.last != entry else { return }
    input.addHistory(entry)
    host.historyLines.append(entry)
    history.append(entry)
  }

  /// What the background refresh connects to: the session's current cluster.
  func refreshTarget() -> NameRefresher.Target {
    let c = session.configuration
    guard c.errors.isEmpty, let settings = session.tlsSettings else {
      return NameRefresher.Target()
    }
    return NameRefresher.Target(
      settings: settings, key: NameStore.key(host: c.host, port: c.port, sandbox: isSandbox))
  }

  /// Whether the session still talks to the sandbox it started with.
  var isSandbox: Bool {
    guard let sandbox else { return false }
    let c = session.configuration
    return c.host == sandbox.host && c.port == sandbox.port
  }

  /// The cluster's name for the prompt: the profile, `sandbox`, or the host.
  var clusterName: String {
    if isSandbox { return "sandbox" }
    let c = session.configuration
    if let copy = session.environment.rehearsalOf { return "\(copy) (rehearsal)" }
    if let name = c.cluster?.value { return name }
    guard let host = c.host else { return "no cluster" }
    return c.port == 4523 ? host : "\(host):\(c.port)"
  }

  /// The prompt, with colour escapes between libedit's delimiters when colour is on.
  func prompt() -> String {
    let name = clusterName
    guard interactive, Terminal.useColor(session.options.color, tty: true) else {
      return "fsh:\(name)> "
    }
    let e = String(UnicodeScalar(UInt8(LineEditor.escape)))
    let colour =
      isSandbox ? "\u{1B}[33m" : (session.configuration.host == nil ? "\u{1B}[31m" : "\u{1B}[36m")
    let reset = "\u{1B}[0m"
    return "fsh:" + e + colour + e + name + e + reset + e + "> "
  }

  func continuationPrompt() -> String { "...> " }

  func banner() -> String {
    var cluster: String
    if isSandbox, let s = sandbox {
      cluster =
        "the sandbox (127.0.0.1:\(s.port), \(s.nodes) simulated nodes; nothing here touches a real cluster)"
    } else if let host = session.configuration.host {
      cluster =
        "\(clusterName)"
        + (session.configuration.cluster == nil ? "" : " (\(host):\(session.configuration.port))")
    } else {
      cluster = "no cluster yet (`use cluster NAME`, `set host HOST`, or fsh --sandbox)"
    }
    let lines = [
      "fsh \(FshVersion.current) · cluster: \(cluster)",
      "Type `help` for commands, `help COMMAND` for one; Tab completes; Ctrl-D exits.",
    ]
    // Wrapped at word boundaries to the terminal (a 50-column one too), not where it cuts.
    let width = Terminal.width ?? 10_000
    return lines.map { HelpFormatter.hang($0, width: width, indent: 2) + "\n" }.joined()
  }

  func runRCFile() {
    let path = session.environment.configDirectory + "/fshrc"
    guard FileManager.default.fileExists(atPath: path) else { return }
    let outcome = session.runFile(path)
    host.flush()
    if let d = outcome.stoppedBy { host.printDiagnostic(d) }
  }
}

/// Turns SIGINT (counted by the C handler) into `session.cancel()` while a command runs, and
/// SIGTERM/SIGHUP into a cancel plus, if the command does not stop within 2 s, an exit.
/// A third Ctrl-C during one command that does not stop ends fsh (status 130).
final class InterruptWatcher: @unchecked Sendable {
  let session: Session
  private var seen: Int32 = 0
  private var running = true
  private var busy = false
  private var pressesDuringCommand = 0
  private var terminationSeenAt: Date?
  private let lock = NSLock()

  init(session: Session) { self.session = session }

  func start() {
    seen = cfsh_sigint_count()
    let thread = Thread { [self] in
      while true {
        let (alive, n) = poll()
        if !alive { return }
        if n != 0 { handleInterrupts(n) }
        handleTermination()
        Thread.sleep(forTimeInterval: 0.01)
      }
    }
    thread.name = "fsh-signals"
    thread.start()
  }

  /// Whether to keep watching, and how many new SIGINTs arrived.
  private func poll() -> (Bool, Int32) {
    lock.lock()
    defer { lock.unlock() }
    let now = cfsh_sigint_count()
    let new = now &- seen
    seen = now
    return (running, new)
  }

  private func handleInterrupts(_ n: Int32) {
    lock.lock()
    let inCommand = busy
    if inCommand { pressesDuringCommand += Int(n) }
    let presses = pressesDuringCommand
    lock.unlock()
    guard inCommand else { return }  // at the prompt, el_gets returned and the line is dropped
    session.cancel()
    if presses >= 3 {
      Terminal.write("\nfsh: the command did not stop; exiting\n", to: STDERR_FILENO)
      _exit(ExitStatus.interrupted)
    }
  }

  private func handleTermination() {
    let sig = cfsh_termination_signal()
    guard sig != 0 else { return }
    lock.lock()
    let inCommand = busy
    if terminationSeenAt == nil { terminationSeenAt = Date() }
    let since = terminationSeenAt!.timeIntervalSinceNow
    lock.unlock()
    guard inCommand else { return }
    session.cancel()
    if since < -2 { _exit(128 + sig) }
  }

  /// A command (or the rc file) starts: Ctrl-C now cancels it.
  func commandStarted() {
    lock.lock()
    seen = cfsh_sigint_count()
    busy = true
    pressesDuringCommand = 0
    lock.unlock()
  }

  func commandFinished() {
    lock.lock()
    busy = false
    lock.unlock()
  }

  func stop() {
    lock.lock()
    running = false
    lock.unlock()
  }
}

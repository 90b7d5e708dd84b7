import Foundation
import FshClient
import FshKit
import FshModel
import FshRuntime

/// `fsh complete [--] WORD…`: the hidden command behind completions/ (bash, zsh, fish).
///
/// The words are fsh's command line after `fsh`, the last one being the word to complete
/// (possibly empty). It prints one candidate per line: fsh's flags, the values of `--cluster`
/// (profile names), `-o` and `--color`, paths after the path settings' flags and for the
/// script, and after `-c` the whole `-c` text with its last word completed by the same
/// `Completion` engine as the interactive shell's Tab.
///
/// Live names (datasets, nodes) come from the file the interactive shell keeps under
/// `$XDG_STATE_HOME/fsh/names/` for the configured cluster (the same flags and environment
/// select it; `--sandbox` reads the sandbox's). When that file is missing or older than a
/// minute, one bounded request (0.5 s to connect, 1 s in all) refreshes it; on failure the
/// cached names are used. Nothing is ever prompted for and nothing is printed on stderr.
enum CompleteCommand {
  /// fsh's options that take a value, and its flags: from the option table.
  static let valueOptions = LaunchFiles.visible.filter(\.takesValue).flatMap(\.names)
  static let flags = LaunchFiles.visible.filter { !$0.takesValue }.flatMap(\.names)
  /// How old the names file may be before `fsh complete` asks the cluster again.
  static let maximumAge = 60.0

  static func main(_ arguments: [String]) -> Never {
    var words = arguments
    if words.first == "--" { words.removeFirst() }
    // Candidates can be names from the control service: a shell inserts them on the command
    // line, so a name carrying control characters is dropped rather than offered.
    for line in candidates(words, environment: SessionEnvironment.current())
    where !line.unicodeScalars.contains(where: TerminalText.isUnsafe) {
      print(line)
    }
    exit(0)
  }

  /// The candidates for the last of `words` (fsh's arguments; empty completes a new word).
  static func candidates(_ words: [String], environment base: SessionEnvironment) -> [String] {
    let current = words.last ?? ""
    let before = words.dropLast()
    // What the words before select (the same options `fsh` reads, applied the same way);
    // words that do not parse are skipped, as a shell's half-typed line may have them.
    var launch = ShellLaunch()
    var pending: LaunchOption? = nil
    var positionals = 0
    for w in before {
      if let option = pending {
        try? option.apply(&launch, w)
        pending = nil
        continue
      }
      if positionals > 0 { continue }  // a script's own arguments
      if let option = LaunchOption.named(w) {
        if option.takesValue { pending = option } else { try? option.apply(&launch, "") }
      } else if let eq = w.firstIndex(of: "="), w.hasPrefix("--"),
        let option = LaunchOption.named(String(w[..<eq])), option.takesValue
      {
        try? option.apply(&launch, String(w[w.index(after: eq)...]))
      } else if w.hasPrefix("-") && w != "-" {
        continue
      } else {
        positionals += 1
      }
    }
    var environment = base
    launch.apply(to: &environment)
    let sandbox = launch.sandbox
    let commandsGiven = launch.commands != nil
    let home = environment.variables["HOME"]
    func paths(_ p: String) -> [String] {
      Completion.paths(p, workingDirectory: environment.workingDirectory, home: home).filter {
        $0.hasPrefix(p)
      }.sorted()
    }
    if let pending {
      switch pending.completion {
      case .commands: return commandText(current, environment: environment, sandbox: sandbox)
      case .profiles: return Completion.profileNames(environment).filter { $0.hasPrefix(current) }
      case .choices(let c): return c.filter { $0.hasPrefix(current) }
      case .files, .directories: return paths(current)
      case .none: return []
      }
    }
    if positionals > 0 { return [] }
    if current.hasPrefix("-") {
      return (valueOptions + flags).filter { $0.hasPrefix(current) }.sorted()
    }
    if commandsGiven { return [] }
    return paths(current)
  }

  /// Completes the last word of a `-c` text; each candidate is the whole text.
  static func commandText(_ text: String, environment: SessionEnvironment, sandbox: Bool)
    -> [String]
  {
    let session = Session(environment: environment)
    let completion = Completion(session: session)
    var loaded = false
    completion.willReadNames = {
      guard !loaded else { return }
      loaded = true
      loadNames(into: session, sandbox: sandbox)
    }
    let r = completion.result(for: text)
    let head = String(text[..<r.wordStart])
    return r.candidates.map { head + r.replacement($0, final: false) }
  }

  /// Fills the session's names from the names file, refreshing it with one bounded request
  /// when it is missing or old (never for the sandbox, which runs only inside `fsh --sandbox`).
  static func loadNames(into session: Session, sandbox: Bool) {
    let c = session.configuration
    let store = NameStore(stateDirectory: session.environment.stateDirectory)
    guard let key = NameStore.key(host: c.host, port: c.port, sandbox: sandbox) else { return }
    let saved = store.load(key)
    if let saved {
      session.names.update(datasets: saved.datasets, nodes: saved.nodes)
    }
    let age = saved.map { Date().timeIntervalSince1970 - $0.time } ?? .infinity
    guard !sandbox, age > maximumAge, c.errors.isEmpty, var settings = session.tlsSettings else {
      return
    }
    settings.connectTimeout = 0.5
    settings.requestTimeout = 1
    settings.retries = 0
    // The whole refresh gets one second; past that, complete from the cached names.
    let names = session.names
    let done = DispatchSemaphore(value: 0)
    let bounded = settings
    let thread = Thread {
      if let transport = try? CurlTransport(settings: bounded),
        let view = try? ClusterView.load(FlockerClient(transport: transport))
      {
        let words = view.completionWords
        names.update(datasets: words.datasets, nodes: words.nodes)
        store.save(key, datasets: words.datasets, nodes: words.nodes)
      }
      done.signal()
    }
    thread.start()
    _ = done.wait(timeout: .now() + 1.0)
  }
}

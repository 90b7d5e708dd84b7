import Foundation

/// What `Completion` found for the word before the cursor.
public struct CompletionResult: Sendable, Equatable {
  /// Where the word being completed starts in the line (at its opening quote, if any).
  public var wordStart: String.Index
  /// The word as typed, without its quotes: what every candidate starts with (ignoring case
  /// for node and dataset ids).
  public var prefix: String
  /// The quote the word was opened with and not yet closed (`'` or `"`), if any.
  public var openQuote: Character?
  /// The candidates, sorted, each a whole word (not quoted).
  public var candidates: [String]
  /// What kind of value the word is (`.file` candidates ending in `/` are directories).
  public var kind: CompletionKind

  /// The text that replaces the typed word for a candidate (quoted when it needs to be);
  /// `final` closes the quote (a unique candidate that is not a directory).
  public func replacement(_ candidate: String, final: Bool) -> String {
    var q = openQuote
    if q == nil, candidate.contains(where: { Completion.needsQuoting($0) }) {
      q = candidate.contains("'") ? "\"" : "'"
    }
    guard let q else { return candidate }
    let closing = final ? String(q) : ""
    return String(q) + candidate + closing
  }

  /// Whether a unique candidate is complete (a space follows) or a directory to descend into.
  public func isFinal(_ candidate: String) -> Bool { !(kind == .file && candidate.hasSuffix("/")) }
}

/// Completes the word before the cursor from the command table: command words, subcommands,
/// keywords, options and their values, variables, file paths, cluster profiles, session
/// options, and the dataset and node names a `NameCache` holds. The REPL's Tab and
/// `fsh complete` both use it. It never contacts the control service.
public final class Completion {
  public let session: Session
  /// Dataset and node names; nil uses the session's (filled by listings and by the host's
  /// background refresh). Never fetched on a Tab.
  public var names: NameCache?
  /// Called before dataset or node names are read: a host may wait briefly (bounded) for a
  /// first refresh that is under way.
  public var willReadNames: (() -> Void)?

  static let languageWords = ["let", "if", "for", "try", "else"]
  /// Options every command takes (handled by `Arguments`).
  static let globalOptions = [
    OptionHelp(
      ["-o", "--output"], "FORMAT", "result format",
      completion: .values(OutputFormat.allCases.map(\.rawValue)))
  ]

  public init(session: Session, names: NameCache? = nil) {
    self.session = session
    self.names = names
  }

  /// The candidates for the last word of `line` (the text before the cursor), sorted, and
  /// where that word starts.
  public func complete(_ line: String) -> (wordStart: String.Index, candidates: [String]) {
    let r = result(for: line)
    return (r.wordStart, r.candidates)
  }

  /// Everything about completing the last word of `line` (the text before the cursor).
  public func result(for line: String) -> CompletionResult {
    let split = Completion.split(line)
    if split.comment {
      return CompletionResult(
        wordStart: line.endIndex, prefix: "", openQuote: nil, candidates: [], kind: .none)
    }
    let (kind, all) = candidates(before: split.words, current: split.current)
    var pool = all
    if kind == .file {
      pool += Completion.paths(
        split.current, workingDirectory: session.environment.workingDirectory,
        home: session.environment.variables["HOME"])
    }
    let ascii = Completion.asciiBytes(split.current)
    var matching = Set(pool.filter { Completion.hasPrefix($0, ascii, split.current) })
    if matching.isEmpty && (kind == .node || kind == .dataset) {
      let lower = split.current.lowercased()
      matching = Set(pool.filter { $0.lowercased().hasPrefix(lower) })
    }
    return CompletionResult(
      wordStart: split.start, prefix: split.current, openQuote: split.quote,
      candidates: matching.sorted(), kind: kind)
  }

  /// Splits the text of the current statement into complete words and the partial last word
  /// (unquoted), where that word starts and the quote it is still inside.
  static func split(_ line: String) -> (
    words: [String], current: String, start: String.Index, quote: Character?, comment: Bool
  ) {
    var words: [String] = []
    var current = ""
    var start = line.startIndex
    var inWord = false
    var quote: Character? = nil
    var escape = false
    var i = line.startIndex
    while i < line.endIndex {
      let c = line[i]
      if escape {
        current.append(c)
        escape = false
      } else if let q = quote {
        if c == q {
          quote = nil
        } else if c == "\\" && q == "\"" {
          escape = true
        } else {
          current.append(c)
        }
      } else if c == "\\" {
        if !inWord { start = i }
        inWord = true
        escape = true
      } else if c == "'" || c == "\"" {
        if !inWord { start = i }
        inWord = true
        quote = c
      } else if c == " " || c == "\t" {
        if inWord { words.append(current) }
        current = ""
        inWord = false
        start = line.index(after: i)
      } else if c == "#" && !inWord {
        // A comment: nothing to complete after it.
        return ([], "", line.endIndex, nil, true)
      } else if ";{}()\n".contains(c) {
        words = []
        current = ""
        inWord = false
        start = line.index(after: i)
      } else {
        if !inWord { start = i }
        inWord = true
        current.append(c)
      }
      i = line.index(after: i)
    }
    if !inWord { start = line.endIndex }
    return (words, current, start, quote, false)
  }

  /// The kind of the word being typed after `input`, and the candidates (before filtering).
  func candidates(before input: [String], current: String) -> (CompletionKind, [String]) {
    var words = input
    if current.hasPrefix("$") {
      return (
        .none,
        session.variables.keys.filter { !$0.hasPrefix("\u{0}") && $0 != "?" }.map { "$" + $0 }
      )
    }
    // Language forms before the command.
    if words.first == "let" {
      if words.count < 3 { return (.none, []) }
      words = Array(words.dropFirst(3))
    }
    while let f = words.first, ["try", "if", "else", "!"].contains(f) { words.removeFirst() }
    if words.first == "for" {
      // `for x in (datasets …` is reset by the parenthesis; `for x in a b` lists words.
      return (.none, words.count == 2 ? ["in"] : [])
    }
    let table = session.commands
    if words.isEmpty {
      return (.command, table.firstWords + (input.isEmpty ? Completion.languageWords : []))
    }
    guard let found = table.lookup(words) else {
      // `cluster a<Tab>` → subcommands of a group.
      return (.command, table.subcommands(of: words))
    }
    let help = found.command.help
    let args = Array(words.dropFirst(found.length))
    var subcommands: [String] = []
    if args.isEmpty { subcommands = table.subcommands(of: words) }
    let options = help.options + Completion.globalOptions

    // The value of an option or keyword just typed.
    if let last = args.last, let option = options.first(where: { $0.names.contains(last) }),
      option.valueName != nil
    {
      return (option.completion, values(option.completion))
    }
    if current.hasPrefix("-") {
      return (.none, options.filter { !$0.isKeyword }.flatMap(\.names))
    }
    // Positionals: the words that are not options, keywords, their values or noise words
    // (`use [cluster] NAME`).
    let noise = Completion.noiseWords(help)
    var positionals: [String] = []
    var skip = false
    for a in args {
      if skip {
        skip = false
        continue
      }
      if let o = options.first(where: { $0.names.contains(a) }) {
        skip = o.valueName != nil
        continue
      }
      if positionals.isEmpty && noise.contains(a) { continue }
      positionals.append(a)
    }
    let index = positionals.count
    // Keywords once the required positionals are given (`move NAME to`, not `move to`).
    let usedKeywords = Set(args)
    let required = help.arguments.filter { !$0.optional }.count
    let keywords =
      index < required
      ? []
      : help.options.filter(\.isKeyword).flatMap(\.names).filter {
        !usedKeywords.contains($0) || $0 == "meta"
      }
    var extra = subcommands + keywords
    if index == 0 && !args.contains(where: { noise.contains($0) }) { extra += noise }
    // `set NAME VALUE`: the value of the option or configuration key named.
    if index == 1, help.arguments.first?.completion == .sessionOption {
      let (k, v) = Completion.optionValues(positionals[0])
      return (k, v + extra)
    }
    guard let arg = Completion.positional(help, index: index) else { return (.none, extra) }
    return (arg.completion, values(arg.completion) + extra)
  }

  /// The positional parameter at `index`, or nil past the last (unless it repeats: `WORD …`).
  static func positional(_ help: CommandHelp, index: Int) -> ParameterHelp? {
    guard let last = help.arguments.last else { return nil }
    if index < help.arguments.count { return help.arguments[index] }
    let repeats =
      last.name.hasSuffix("…") || help.usage.contains("\(last.name) …]")
      || help.usage.contains("\(last.name) …")
    return repeats ? last : nil
  }

  /// Optional literal words in a command's usage that are not options: `[cluster]` in
  /// `use [cluster] NAME`.
  static func noiseWords(_ help: CommandHelp) -> [String] {
    let known = Set(help.options.flatMap(\.names))
    var out: [String] = []
    for token in help.usage.split(separator: " ") where token.hasPrefix("[") && token.hasSuffix("]")
    {
      let w = token.dropFirst().dropLast()
      if !w.isEmpty, w.allSatisfy({ $0.isLowercase && $0.isLetter }), !known.contains(String(w)) {
        out.append(String(w))
      }
    }
    return out
  }

  /// The values of a session option or configuration key (`set output <Tab>`).
  static func optionValues(_ name: String) -> (CompletionKind, [String]) {
    if let d = SessionOptions.descriptor(name) { return (.values(d.values), d.values) }
    switch ConfigKey(rawValue: name) {
    case .certs?, .ca?, .cert?, .key?: return (.file, [])
    default: return (.none, [])
    }
  }

  /// Candidates for a kind of value.
  func values(_ kind: CompletionKind) -> [String] {
    switch kind {
    case .none, .file: return []
    case .values(let v): return v
    case .command: return session.commands.firstWords + ["language"]
    case .sessionOption:
      return SessionOptions.descriptors.map(\.name) + ConfigKey.allCases.map(\.rawValue)
    case .configKey: return ConfigKey.allCases.map(\.rawValue)
    case .cluster: return Completion.profileNames(session.environment)
    case .dataset:
      willReadNames?()
      return (names ?? session.names).datasetWords
    case .node:
      willReadNames?()
      return (names ?? session.names).nodeWords
    }
  }

  /// The cluster profile names in the profiles file.
  public static func profileNames(_ environment: SessionEnvironment) -> [String] {
    guard let text = try? String(contentsOfFile: environment.profilesPath, encoding: .utf8),
      let file = try? ProfilesFile.parse(text)
    else { return [] }
    return file.clusters.keys.sorted()
  }

  /// Characters that cannot stand in a bare word.
  static func needsQuoting(_ c: Character) -> Bool {
    c == " " || c == "\t" || "'\"\\;{}()#$".contains(c)
  }

  /// File-path candidates for a partial path (directories end with `/`).
  public static func paths(_ partial: String, workingDirectory: String, home: String? = nil)
    -> [String]
  {
    let dirPart = partial.contains("/") ? String(partial[...partial.lastIndex(of: "/")!]) : ""
    let home = home ?? ProcessInfo.processInfo.environment["HOME"]
    let base =
      dirPart.isEmpty
      ? workingDirectory : Paths.absolute(dirPart, relativeTo: workingDirectory, home: home)
    guard let entries = try? FileManager.default.contentsOfDirectory(atPath: base) else {
      return []
    }
    let showHidden = partial.hasPrefix(dirPart + ".")
    return entries.filter { !$0.hasPrefix(".") || showHidden }.map { name in
      var isDir: ObjCBool = false
      _ = FileManager.default.fileExists(atPath: Paths.join(base, name), isDirectory: &isDir)
      return dirPart + name + (isDir.boolValue ? "/" : "")
    }
  }
}

/// Dataset and node names for completion, replaced as a whole when a refresh finishes.
public final class NameCache: @unchecked Sendable {
  private let lock = NSLock()
  private var datasets: [String] = []
  private var nodes: [String] = []
  private var generation = 0

  public init() {}

  /// Replaces the cached words: dataset names and ids, node id prefixes and hosts.
  public func update(datasets: [String], nodes: [String]) {
    lock.lock()
    self.datasets = datasets
    self.nodes = nodes
    generation += 1
    lock.unlock()
  }

  /// Counts updates: a background refresh that started before a newer update drops its result.
  public var updates: Int {
    lock.lock()
    defer { lock.unlock() }
    return generation
  }

  /// Replaces the words only if nothing updated them since `updates` was `expected`.
  @discardableResult
  public func update(datasets: [String], nodes: [String], ifUpdatesAre expected: Int) -> Bool {
    lock.lock()
    defer { lock.unlock() }
    guard generation == expected else { return false }
    self.datasets = datasets
    self.nodes = nodes
    generation += 1
    return true
  }

  public var datasetWords: [String] {
    lock.lock()
    defer { lock.unlock() }
    return datasets
  }

  public var nodeWords: [String] {
    lock.lock()
    defer { lock.unlock() }
    return nodes
  }
}

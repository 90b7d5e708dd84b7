import Foundation

/// Completes the word before the cursor from the command table: command words, subcommands,
/// keywords, options and their values, variables, file paths, cluster profiles, and the
/// dataset and node names a `NameCache` holds. The REPL's Tab and `fsh complete` both use it.
public final class Completion {
  public let session: Session
  /// Dataset and node names; filled in the background by the host, never fetched on a Tab.
  public var names: NameCache?

  static let languageWords = ["let", "if", "for", "try", "else"]

  public init(session: Session, names: NameCache? = nil) {
    self.session = session
    self.names = names
  }

  /// The candidates for the last word of `line` (the text before the cursor), sorted, and
  /// where that word starts.
  public func complete(_ line: String) -> (wordStart: String.Index, candidates: [String]) {
    let (words, current, start) = Completion.split(line)
    let prefix = current
    var all = candidates(before: words, current: prefix)
    if let kind = expectedKind(before: words), kind == .file {
      all += Completion.paths(prefix, workingDirectory: session.environment.workingDirectory)
    }
    let matching = Array(Set(all.filter { $0.hasPrefix(prefix) })).sorted()
    return (start, matching)
  }

  /// Splits the text of the current statement into complete words and the partial last word.
  static func split(_ line: String) -> (words: [String], current: String, start: String.Index) {
    var words: [String] = []
    var current = ""
    var start = line.startIndex
    var quote: Character? = nil
    var i = line.startIndex
    while i < line.endIndex {
      let c = line[i]
      if let q = quote {
        if c == q { quote = nil } else { current.append(c) }
      } else if c == "'" || c == "\"" {
        quote = c
      } else if c == " " || c == "\t" {
        if !current.isEmpty { words.append(current) }
        current = ""
        start = line.index(after: i)
      } else if c == ";" || c == "{" || c == "}" || c == "(" || c == ")" || c == "\n" {
        words = []
        current = ""
        start = line.index(after: i)
      } else {
        current.append(c)
      }
      i = line.index(after: i)
    }
    return (words, current, start)
  }

  func candidates(before input: [String], current: String) -> [String] {
    var words = input
    if current.hasPrefix("$") {
      return session.variables.keys.filter { !$0.hasPrefix("\u{0}") && $0 != "?" }.map { "$" + $0 }
    }
    // Language forms before the command.
    if words.first == "let" {
      if words.count < 3 { return [] }
      words = Array(words.dropFirst(3))
    }
    while words.first == "try" || words.first == "if" || words.first == "else" { words.removeFirst() }
    if words.first == "for" { return [] }
    if words.isEmpty { return session.commands.firstWords + (input.isEmpty ? Completion.languageWords : []) }
    let table = session.commands
    guard let found = table.lookup(words) else {
      // `cluster a<Tab>` → subcommands of a group.
      return table.subcommands(of: words)
    }
    let help = found.command.help
    let args = Array(words.dropFirst(found.length))
    if found.length == words.count, !table.subcommands(of: words).isEmpty, args.isEmpty {
      return table.subcommands(of: words) + positionalCandidates(help, index: 0)
    }
    // The value of an option or keyword just typed.
    if let last = args.last, let option = help.options.first(where: { $0.names.contains(last) }), option.valueName != nil {
      return values(option.completion)
    }
    if last(args) == "-o" || last(args) == "--output" { return OutputFormat.allCases.map(\.rawValue) }
    if current.hasPrefix("-") {
      return help.options.filter { !$0.isKeyword }.flatMap(\.names) + ["-o", "--output"]
    }
    // Positionals: count the words that are not options, keywords or their values.
    var index = 0
    var skip = false
    for a in args {
      if skip {
        skip = false
        continue
      }
      if let o = help.options.first(where: { $0.names.contains(a) }) {
        skip = o.valueName != nil
        continue
      }
      if a == "-o" || a == "--output" {
        skip = true
        continue
      }
      index += 1
    }
    let keywords = help.options.filter(\.isKeyword).flatMap(\.names).filter { !args.contains($0) }
    return positionalCandidates(help, index: index) + keywords
  }

  private func last(_ a: [String]) -> String? { a.last }

  /// Whether the word being typed is a file path (after `source`, `--ca`, `certs show`, …).
  func expectedKind(before words: [String]) -> CompletionKind? {
    guard let found = session.commands.lookup(words) else { return nil }
    let help = found.command.help
    let args = Array(words.dropFirst(found.length))
    if let last = args.last, let option = help.options.first(where: { $0.names.contains(last) }) {
      return option.completion
    }
    let positionals = args.filter { !$0.hasPrefix("-") }.count
    if positionals < help.arguments.count { return help.arguments[positionals].completion }
    return nil
  }

  private func positionalCandidates(_ help: CommandHelp, index: Int) -> [String] {
    guard !help.arguments.isEmpty else { return [] }
    let arg = index < help.arguments.count ? help.arguments[index] : help.arguments.last!
    if index >= help.arguments.count && !(arg.name.hasSuffix("…") || help.usage.contains("…")) { return [] }
    return values(arg.completion)
  }

  /// Candidates for a kind of value.
  func values(_ kind: CompletionKind) -> [String] {
    switch kind {
    case .none, .file: return []
    case .values(let v): return v
    case .command: return session.commands.firstWords + ["language"]
    case .sessionOption: return SessionOptions.descriptors.map(\.name) + ConfigKey.allCases.map(\.rawValue)
    case .configKey: return ConfigKey.allCases.map(\.rawValue)
    case .cluster:
      guard let text = try? String(contentsOfFile: session.environment.profilesPath, encoding: .utf8),
        let file = try? ProfilesFile.parse(text)
      else { return [] }
      return Array(file.clusters.keys)
    case .dataset: return names?.datasetWords ?? []
    case .node: return names?.nodeWords ?? []
    }
  }

  /// File-path candidates for a partial path (directories end with `/`).
  public static func paths(_ partial: String, workingDirectory: String) -> [String] {
    let dirPart = partial.contains("/") ? String(partial[...partial.lastIndex(of: "/")!]) : ""
    let base = dirPart.isEmpty ? workingDirectory : Paths.absolute(dirPart, relativeTo: workingDirectory, home: ProcessInfo.processInfo.environment["HOME"])
    guard let entries = try? FileManager.default.contentsOfDirectory(atPath: base) else { return [] }
    return entries.filter { !$0.hasPrefix(".") || partial.hasPrefix(dirPart + ".") }.map { name in
      var isDir: ObjCBool = false
      FileManager.default.fileExists(atPath: Paths.join(base, name), isDirectory: &isDir)
      return dirPart + name + (isDir.boolValue ? "/" : "")
    }
  }
}

/// Dataset and node names for completion, replaced as a whole when a refresh finishes.
public final class NameCache: @unchecked Sendable {
  private let lock = NSLock()
  private var datasets: [String] = []
  private var nodes: [String] = []

  public init() {}

  /// Replaces the cached words: dataset names and ids, node id prefixes and hosts.
  public func update(datasets: [String], nodes: [String]) {
    lock.lock()
    self.datasets = datasets
    self.nodes = nodes
    lock.unlock()
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

import Foundation
import FshLanguage

/// What `Completion` found for the word before the cursor.
package struct CompletionResult: Sendable, Equatable {
  /// Where the word being completed starts in the line (at its opening quote, if any).
  package var wordStart: String.Index
  /// The word as typed, without its quotes: what every candidate starts with (ignoring case
  /// for node and dataset ids).
  package var prefix: String
  /// The quote the word was opened with and not yet closed (`'` or `"`), if any.
  package var openQuote: Character?
  /// The candidates, sorted, each a whole word (not quoted).
  package var candidates: [String]
  /// What kind of value the word is (`.file` candidates ending in `/` are directories).
  package var kind: CompletionKind

  /// The text that replaces the typed word for a candidate (quoted when it needs to be);
  /// `final` closes the quote (a unique candidate that is not a directory).
  package func replacement(_ candidate: String, final: Bool) -> String {
    var q = openQuote
    if q == nil, candidate.contains(where: { Completion.needsQuoting($0) }) {
      q = candidate.contains("'") ? "\"" : "'"
    }
    guard let q else { return candidate }
    let closing = final ? String(q) : ""
    return String(q) + candidate + closing
  }

  /// Whether a unique candidate is complete (a space follows) or a directory to descend into.
  package func isFinal(_ candidate: String) -> Bool { !(kind == .file && candidate.hasSuffix("/")) }
}

/// Completes the word before the cursor from the command table: command words, subcommands,
/// keywords, options and their values, variables, file paths, cluster profiles, session
/// options, and the dataset and node names a `NameCache` holds. The REPL's Tab and
/// `fsh complete` both use it. It never contacts the control service.
public final class Completion {
  public let session: Session
  /// Called before dataset or node names are read: a host may wait briefly (bounded) for a
  /// first refresh that is under way.
  package var willReadNames: (() -> Void)?

  package static let languageWords = [
    "let", "if", "for", "while", "try", "else", "break", "continue",
  ]

  package init(session: Session) {
    self.session = session
  }

  /// The candidates for the last word of `line` (the text before the cursor), sorted, and
  /// where that word starts.
  package func complete(_ line: String) -> (wordStart: String.Index, candidates: [String]) {
    let r = result(for: line)
    return (r.wordStart, r.candidates)
  }

  /// Everything about completing the last word of `line` (the text before the cursor).
  package func result(for line: String) -> CompletionResult {
    guard let typed = Completion.words(line) else {
      return CompletionResult(
        wordStart: line.endIndex, prefix: "", openQuote: nil, candidates: [], kind: .none)
    }
    let (kind, all) = candidates(before: typed.words, current: typed.current)
    var pool = all
    if kind == .file {
      pool += Completion.paths(
        typed.current, workingDirectory: session.environment.workingDirectory,
        home: session.environment.variables["HOME"])
    }
    let ascii = Completion.asciiBytes(typed.current)
    var matching = Set(pool.filter { Completion.hasPrefix($0, ascii, typed.current) })
    if matching.isEmpty && kind.ignoresCase {
      let lower = typed.current.lowercased()
      matching = Set(pool.filter { $0.lowercased().hasPrefix(lower) })
    }
    return CompletionResult(
      wordStart: typed.start, prefix: typed.current, openQuote: typed.quote,
      candidates: matching.sorted(), kind: kind)
  }

  /// The words of the statement being typed, read by the language's own lexer (tolerant of an
  /// open quote or a trailing backslash): the complete words, the partial last word (unquoted),
  /// where it starts and the quote it is still inside. Nil inside a comment.
  package static func words(_ line: String) -> (
    words: [(text: String, bare: Bool)], current: String, start: String.Index, quote: Character?
  )? {
    var lexer = Lexer(line, tolerant: true)
    var tokens: [Token] = []
    while let t = try? lexer.next() {
      if case .end = t { break }
      tokens.append(t)
    }
    if lexer.endsInComment { return nil }
    // Only the statement after the last separator counts: `a; b`, `for x in (datasets`.
    var words: [Word] = []
    for t in tokens {
      if case .word(let w) = t { words.append(w) } else { words = [] }
    }
    let scalars = line.unicodeScalars
    var current = ""
    var start = line.endIndex
    if let last = words.last, last.range.end.offset == scalars.count,
      tokens.last.map({ if case .word = $0 { return true } else { return false } }) == true
    {
      words.removeLast()
      current = text(last)
      start = scalars.index(scalars.startIndex, offsetBy: last.range.start.offset)
    }
    return (words.map { (text($0), $0.bareText != nil) }, current, start, lexer.openQuote)
  }

  /// A word as typed, variables as `$name`.
  package static func text(_ w: Word) -> String {
    w.parts.map {
      switch $0 {
      case .literal(let s, _): return s
      case .variable(let name, let path, _): return "$" + ([name] + path).joined(separator: ".")
      }
    }.joined()
  }

  /// The kind of the word being typed after `input`, and the candidates (before filtering).
  package func candidates(before input: [(text: String, bare: Bool)], current: String)
    -> (CompletionKind, [String])
  {
    if current.hasPrefix("$") {
      return (
        .none,
        session.variables.keys.filter { !$0.hasPrefix("\u{0}") && $0 != "?" }.map { "$" + $0 }
      )
    }
    var typed = input
    // Language forms before the command.
    if typed.first?.text == "let" {
      if typed.count < 3 { return (.none, []) }
      typed = Array(typed.dropFirst(3))
    }
    while let f = typed.first?.text, ["try", "if", "else", "!"].contains(f) { typed.removeFirst() }
    if typed.first?.text == "for" {
      // `for x in (datasets …` is reset by the parenthesis; `for x in a b` lists words.
      return (.none, typed.count == 2 ? ["in"] : [])
    }
    let words = typed.map(\.text)
    let table = session.commands
    if words.isEmpty {
      return (.command, table.firstWords + (input.isEmpty ? Completion.languageWords : []))
    }
    guard let found = table.lookup(words) else {
      // `cluster a<Tab>` → subcommands of a group.
      return (.command, table.subcommands(of: words))
    }
    let help = found.command.help
    let args = Array(typed.dropFirst(found.length))
    let scan = ArgumentScan(args, for: help, more: true)
    var positionals: [String] = []
    var used = Set<String>()
    for (a, role) in zip(args, scan.roles) {
      switch role {
      case .positional: positionals.append(a.text)
      case .name(let p, _), .word(let p): used.insert(p.key)
      default: break
      }
    }
    // The value of an option or keyword just typed.
    if let p = scan.awaiting, !p.repeats {
      return (p.completion, values(p.completion, positionals))
    }
    if current.hasPrefix("-") {
      let named = help.options + GlobalOptions.all
      return (.none, named.filter { $0.kind == .flag || $0.kind == .option }.flatMap(\.names))
    }
    var extra = args.isEmpty ? table.subcommands(of: words) : []
    // Keywords once the required positionals are given (`move NAME to`, not `move to`).
    let required = help.arguments.filter { !$0.isOptional }.count
    // The positional after a repeating one (`wait NAME… STATUS`): its choices end the list.
    let arguments = help.arguments
    let after = scan.nextPositional.flatMap { next in
      next.repeats ? arguments.firstIndex { $0.key == next.key } : nil
    }.flatMap { $0 + 1 < arguments.count ? arguments[$0 + 1] : nil }
    if let after, !after.isOptional {
      extra += after.choices ?? []
    } else if positionals.count >= required {
      extra += help.options.filter { $0.kind == .keyword && (!used.contains($0.key) || $0.repeats) }
        .flatMap(\.names)
    }
    // Optional words before the first positional: `use [cluster] NAME`.
    if positionals.isEmpty {
      extra += help.options.filter { $0.kind == .word && !used.contains($0.key) }.flatMap(\.names)
    }
    if let p = scan.awaiting {
      return (p.completion, values(p.completion, positionals) + extra)
    }
    guard var kind = scan.nextPositional?.completion else { return (.none, extra) }
    if let refine = kind.refine { kind = refine(positionals) }
    return (kind, values(kind, positionals) + extra)
  }

  /// Candidates from a completion source.
  package func values(_ kind: CompletionKind, _ positionals: [String] = []) -> [String] {
    kind == .file ? [] : kind.words(self, positionals)
  }

  /// Characters that cannot stand in a bare word.
  package static func needsQuoting(_ c: Character) -> Bool {
    c == " " || c == "\t" || "'\"\\;{}()#$".contains(c)
  }

  /// File-path candidates for a partial path (directories end with `/`).
  package static func paths(_ partial: String, workingDirectory: String, home: String? = nil)
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

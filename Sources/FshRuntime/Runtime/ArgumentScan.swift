/// What each word after a command's words is, read against the command's declaration: the
/// one walk that both the parser (`Arguments`) and completion use, so they never disagree.
package struct ArgumentScan {
  package enum Role {
    /// A flag's spelling.
    case flag(Parameter)
    /// An option's or keyword's spelling, with a value written in the same word (`-ojson`).
    case name(Parameter, inline: String?)
    /// The value of an option or keyword.
    case value(Parameter)
    /// A positional's value.
    case positional(Parameter)
    /// An optional word (`cluster` in `use cluster prod`).
    case word(Parameter)
    /// A word that looks like an option and is not declared.
    case unknownOption
    /// A word with no positional left to fill.
    case unexpected
  }

  /// One role per word.
  package var roles: [Role] = []
  /// An option or keyword whose value the words ended before (or that another option followed),
  /// with the index of its name.
  package var missingValue: (index: Int, parameter: Parameter)?
  /// After the last word: the option or keyword whose value comes next.
  package var awaiting: Parameter?
  /// After the last word: the positional the next plain word fills.
  package var nextPositional: Parameter?

  /// Whether a bare word is written like an option: `-x`, `--long`, but not `-5G` or `-`.
  package static func isOptionLike(_ text: String) -> Bool {
    guard text.hasPrefix("-"), text.count > 1 else { return false }
    let second = text[text.index(after: text.startIndex)]
    return !(second.isNumber || second == ".")
  }

  /// The declared option a word spells: `--for`, `--for=X`, `-o=X`, `-oX`.
  package static func match(_ text: String, in named: [Parameter]) -> (Parameter, inline: String?)?
  {
    for p in named where p.kind == .flag || p.kind == .option {
      if p.names.contains(text) { return (p, nil) }
    }
    for p in named where p.kind == .option {
      for n in p.names where text.hasPrefix(n + "=") {
        return (p, String(text.dropFirst(n.count + 1)))
      }
    }
    for p in named where p.kind == .option {
      for n in p.names where n.count == 2 && !n.hasPrefix("--") && text.hasPrefix(n) {
        return (p, String(text.dropFirst(2)))
      }
    }
    return nil
  }

  /// Scans `words` (text, and whether written bare) for `declaration`. `more` says that input
  /// follows the last word (completion's word being typed).
  package init(
    _ words: [(text: String, bare: Bool)], for declaration: CommandHelp, more: Bool = false
  ) {
    // Made once a scan (`options` and `arguments` filter the declaration anew each time they
    // are read: once a word, for a 100 000-line script), and the options every command takes
    // only when a word is written like an option.
    let options = declaration.options
    let positionals = declaration.arguments
    var named: [Parameter]? = nil
    // The first word always fills a leading required positional, even when it spells a keyword
    // (a cluster named `ca`).
    let leading = declaration.parameters.first.map { $0.kind == .positional && !$0.isOptional }
    var next = 0
    var pending: (index: Int, parameter: Parameter)? = nil
    // An option whose value may be left out (`--node [DIR]`) takes the next plain word.
    var maybe: Parameter? = nil
    var list: (index: Int, parameter: Parameter)? = nil
    var listCount = 0
    var missing: (index: Int, parameter: Parameter)? = nil
    // A repeating keyword ends at the next keyword or option; it needs one word at least.
    func closeList() {
      if let l = list, listCount == 0, missing == nil { missing = l }
      list = nil
    }
    var wordSeen = false
    roles.reserveCapacity(words.count)
    for (i, w) in words.enumerated() {
      let option = w.bare && ArgumentScan.isOptionLike(w.text)
      var matched: (Parameter, inline: String?)? = nil
      if option {
        let all = named ?? options + GlobalOptions.all
        named = all
        matched = ArgumentScan.match(w.text, in: all)
      }
      if let p = pending {
        pending = nil
        if matched == nil {
          roles.append(.value(p.parameter))
          continue
        }
        if missing == nil { missing = p }
      }
      let keyword =
        w.bare ? options.first(where: { $0.names.contains(w.text) }) : nil
      if let p = maybe {
        maybe = nil
        if !option, keyword == nil {
          roles.append(.value(p))
          continue
        }
      }
      if option {
        closeList()
        guard let (p, inline) = matched else {
          roles.append(.unknownOption)
          continue
        }
        if p.kind == .flag {
          roles.append(.flag(p))
        } else {
          roles.append(.name(p, inline: inline))
          if inline == nil, p.valueIsOptional {
            maybe = p
          } else if inline == nil {
            pending = (i, p)
          }
        }
        continue
      }
      let isLeading = i == 0 && leading == true
      if !isLeading, let p = keyword, p.kind == .keyword || p.kind == .word {
        if p.kind == .keyword {
          closeList()
          roles.append(.name(p, inline: nil))
          list = p.repeats ? (i, p) : nil
          listCount = 0
          if !p.repeats { pending = (i, p) }
          continue
        }
        if next == 0, !wordSeen, i + 1 < words.count || more {
          wordSeen = true
          roles.append(.word(p))
          continue
        }
      }
      if let l = list {
        roles.append(.value(l.parameter))
        listCount += 1
        continue
      }
      // `api /v1/state/nodes`: a word that is not one of the method's choices is the path.
      if next + 1 < positionals.count, positionals[next].onlyItsChoices,
        positionals[next].choices?.contains(where: { $0.lowercased() == w.text.lowercased() })
          != true
      {
        next += 1
      }
      // `wait m1 m2 attached`: a repeating positional ends at a bare word that is one of the
      // next positional's choices (a dataset named so is written quoted).
      if next + 1 < positionals.count, positionals[next].repeats, w.bare,
        positionals[next + 1].choices?.contains(where: { $0.lowercased() == w.text.lowercased() })
          == true
      {
        next += 1
      }
      if next < positionals.count {
        roles.append(.positional(positionals[next]))
        if !positionals[next].repeats { next += 1 }
        continue
      }
      roles.append(.unexpected)
    }
    awaiting = pending?.parameter ?? maybe ?? list?.parameter
    if !more {
      closeList()
      if let p = pending, missing == nil { missing = p }
    }
    missingValue = missing
    nextPositional = next < positionals.count ? positionals[next] : nil
  }
}

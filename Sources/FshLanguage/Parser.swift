/// Turns tokens into a `Script`.
///
/// Grammar (see docs/language.md):
///
///     script     = { separator } { statement separator }
///     statement  = "let" NAME "=" [ "try" ] command | "try" command | if | for | while
///                  | each | "break" | "continue" | command
///                  ("break" and "continue" only inside a for or while body)
///     if         = "if" condition block [ "else" ( if | block ) ]
///     for        = "for" NAME "in" word { word } block
///     while      = "while" condition block
///     each       = "each" NAME word block   (the block runs where a library says: each
///                  cluster 'lab-*' { … } on every matching cluster)
///     block      = "{" script "}"
///     condition  = term { ( "and" | "or" ) term }
///     term       = ( "!" | "not" ) term | "try" command | BARE word { word } | word [ OP word ]
///                  (BARE: an unquoted literal; followed by a word that is not an OP, the
///                  term is a command, true when it succeeds)
///     command    = word { word } { "|" word { word } }   (after '|': system commands; a
///                  newline may follow the '|')
///     word       = WORD | "(" command ")"
///
/// Errors at the end of the input carry `Diagnostic.Code.incompleteInput`, so a REPL can ask
/// for another line instead of reporting them.
package struct Parser {
  /// Read one token ahead of the parse, never the whole script at once, so that memory does not
  /// grow with the script (Benchmarks/NOTES.md).
  private var lexer: Lexer
  /// The token being looked at.
  var current: Token
  /// The range of the token before `current` (where a loop or `if` ends).
  var previousRange: SourceRange

  private init(_ text: String) throws {
    lexer = Lexer(text)
    current = try lexer.next()
    previousRange = current.range
  }

  /// Parses source text into a script. Lexical errors (an unclosed quote) are found as the
  /// parse reaches them, so the first error in the text is the one reported.
  package static func parse(_ text: String) throws -> Script {
    var p = try Parser(text)
    return Script(statements: try p.statements(inBlock: false))
  }

  static let comparisonOperators: Set<String> = ["==", "!=", "<", "<=", ">", ">=", "=~", "!~"]

  /// Moves to the next token (the lexer stays at `.end` once there).
  mutating func advance() throws {
    previousRange = current.range
    if case .end = current { return }
    current = try lexer.next()
  }

  /// Blocks, substitutions, `else if` chains and `not`s nested deeper than this are a syntax
  /// error: the parser and the interpreter recurse once per level, and a hostile or generated
  /// script must not overflow the stack.
  static let maximumNesting = 128
  var depth = 0
  /// How many `for`/`while` bodies enclose the statement being parsed (`break` needs one).
  private var loops = 0

  mutating func nest() throws {
    depth += 1
    if depth > Parser.maximumNesting {
      throw Diagnostic(
        "nested too deeply (more than \(Parser.maximumNesting) levels)", code: .syntax,
        notes: ["split it into smaller scripts run with 'source'"],
        range: current.range)
    }
  }

  func bare(_ t: Token) -> String? {
    if case .word(let w) = t { return w.bareText }
    return nil
  }

  func incomplete(_ message: String, note: String) -> Diagnostic {
    Diagnostic(message, code: .incompleteInput, notes: [note], range: current.range)
  }

  func unexpected(_ what: String, _ note: String) -> Diagnostic {
    Diagnostic("unexpected \(what)", code: .syntax, notes: [note], range: current.range)
  }

  private mutating func skipSeparators() throws {
    while true {
      switch current {
      case .newline, .semicolon: try advance()
      default: return
      }
    }
  }

  mutating func statements(inBlock: Bool, openedAt: SourceRange? = nil) throws -> [Statement] {
    var result: [Statement] = []
    while true {
      try skipSeparators()
      switch current {
      case .end:
        if inBlock {
          var d = incomplete("missing '}'", note: "close the block opened here with '}'")
          if let openedAt { d.range = openedAt }
          throw d
        }
        return result
      case .closeBrace:
        if inBlock { return result }
        throw unexpected("'}'", "there is no open block to close")
      default:
        let parsed = try statement()
        result.append(parsed)
        switch current {
        case .newline, .semicolon, .end, .closeBrace: break
        case .openBrace:
          if case .command(let call) = parsed, call.words.first?.bareText == "api" {
            throw Diagnostic(
              "unexpected '{' after 'api'", code: .syntax,
              notes: [
                "quote the JSON in single quotes: api POST PATH '{\"key\": \"value\"}'"
              ], range: current.range)
          }
          throw unexpected(
            "'{'", "a block belongs after 'if CONDITION', 'else', 'for … in …' or 'while CONDITION'"
          )
        default:
          throw unexpected("token", "separate statements with ';' or a newline")
        }
      }
    }
  }

  mutating func statement() throws -> Statement {
    let startRange = current.range
    switch bare(current) {
    case "let":
      try advance()
      guard case .word(let nameWord) = current, let name = nameWord.bareText,
        Identifier.isValid(name)
      else {
        if case .end = current {
          throw incomplete("missing variable name after 'let'", note: "write: let NAME = VALUE")
        }
        throw Diagnostic(
          "expected a variable name after 'let'", code: .syntax,
          notes: ["names start with a letter or '_': let ds = create …"], range: current.range)
      }
      try advance()
      guard bare(current) == "=" else {
        throw Diagnostic(
          "expected '=' after 'let \(name)'", code: .syntax,
          notes: ["write: let \(name) = VALUE (with spaces around '=')"], range: current.range)
      }
      try advance()
      if bare(current) == "try" {
        try advance()
        let value = try command(what: "a command after 'let \(name) = try'")
        return .assignAttempt(name: name, value: value, range: startRange.union(value.range))
      }
      let value = try command(what: "a value after 'let \(name) ='")
      return .assign(name: name, value: value, range: startRange.union(value.range))
    case "break", "continue":
      let word = bare(current) ?? ""
      try advance()
      guard loops > 0 else {
        throw Diagnostic(
          "'\(word)' outside a loop", code: .syntax,
          notes: ["'\(word)' works inside `for NAME in … { … }` and `while CONDITION { … }`"],
          range: startRange)
      }
      switch current {
      case .newline, .semicolon, .end, .closeBrace: break
      default:
        throw Diagnostic(
          "'\(word)' takes no words", code: .syntax,
          notes: ["it leaves (or goes on with) the innermost loop; end the statement after it"],
          range: current.range)
      }
      return word == "break" ? .breakLoop(range: startRange) : .continueLoop(range: startRange)
    case "try":
      try advance()
      if bare(current) == "let" {
        throw Diagnostic(
          "'try' cannot come before 'let'", code: .syntax,
          notes: ["write: let NAME = try COMMAND … (the result is null when the command fails)"],
          range: startRange.union(current.range))
      }
      let call = try command(what: "a command after 'try'")
      return .attempt(call, range: startRange.union(call.range))
    case "if":
      return try conditional()
    case "while":
      try advance()
      let cond = try condition()
      try rejectWordAfterCondition(keyword: "while")
      let body = try loopBody(after: "the condition")
      return .whileLoop(cond, body: body, range: startRange.union(previousRange))
    case "else":
      throw Diagnostic(
        "'else' must follow the '}' of its 'if' on the same line", code: .syntax,
        notes: ["write: } else { … }"], range: current.range)
    case "each":
      try advance()
      guard case .word(let nounWord) = current, let noun = nounWord.bareText,
        Identifier.isValid(noun)
      else {
        if case .end = current {
          throw incomplete(
            "missing what to run on after 'each'", note: "write: each cluster 'lab-*' { … }")
        }
        throw Diagnostic(
          "expected what to run on after 'each'", code: .syntax,
          notes: ["write: each cluster 'lab-*' { … }"], range: current.range)
      }
      try advance()
      guard let selector = try wordOrSubstitution() else {
        if case .end = current {
          throw incomplete(
            "missing which after 'each \(noun)'", note: "write: each \(noun) 'lab-*' { … }")
        }
        throw Diagnostic(
          "expected which \(noun) after 'each \(noun)'", code: .syntax,
          notes: ["write: each \(noun) 'lab-*' { … }"], range: current.range)
      }
      guard case .openBrace(let open) = current else {
        if case .end = current { throw incomplete("missing '{'", note: "a block starts with '{'") }
        throw Diagnostic(
          "expected '{' after 'each \(noun)' and its selector", code: .syntax,
          notes: ["put the block's '{' on the same line"], range: current.range)
      }
      // Checked here (a syntax error stops the whole script before anything runs), run there.
      _ = try block(after: "")
      return .each(
        noun: noun, selector: selector, block: open.union(previousRange),
        range: startRange.union(previousRange))
    case "for":
      try advance()
      guard case .word(let nameWord) = current, let name = nameWord.bareText,
        Identifier.isValid(name)
      else {
        if case .end = current {
          throw incomplete("missing loop variable after 'for'", note: "write: for x in a b c { … }")
        }
        throw Diagnostic(
          "expected a variable name after 'for'", code: .syntax,
          notes: ["write: for x in a b c { … }"], range: current.range)
      }
      try advance()
      guard bare(current) == "in" else {
        if case .end = current {
          throw incomplete(
            "missing 'in' after 'for \(name)'", note: "write: for \(name) in a b c { … }")
        }
        throw Diagnostic(
          "expected 'in' after 'for \(name)'", code: .syntax,
          notes: ["write: for \(name) in a b c { … }"], range: current.range)
      }
      try advance()
      var items: [Word] = []
      while true {
        if case .openBrace = current { break }
        if case .end = current {
          throw incomplete("missing '{' after the loop items", note: "write: for x in a b c { … }")
        }
        guard let w = try wordOrSubstitution() else {
          throw Diagnostic(
            "expected '{' after the loop items", code: .syntax,
            notes: ["put '{' on the same line as 'for'"], range: current.range)
        }
        items.append(w)
      }
      if items.isEmpty {
        throw Diagnostic(
          "'for \(name) in' needs at least one item", code: .syntax,
          notes: ["write: for \(name) in a b c { … } or for \(name) in (datasets) { … }"],
          range: current.range)
      }
      let body = try loopBody()
      return .loop(
        variable: name, items: items, body: body, range: startRange.union(previousRange))
    default:
      return .command(try command(what: "a command"))
    }
  }

  /// A `for` or `while` body, inside which `break` and `continue` are statements.
  mutating func loopBody(after what: String = "") throws -> [Statement] {
    loops += 1
    defer { loops -= 1 }
    return try block(after: what)
  }

  mutating func block(after what: String = "") throws -> [Statement] {
    guard case .openBrace(let open) = current else {
      if case .end = current { throw incomplete("missing '{'", note: "a block starts with '{'") }
      throw Diagnostic(
        "expected '{'\(what.isEmpty ? "" : " after " + what)", code: .syntax,
        notes: ["put the block's '{' on the same line"], range: current.range)
    }
    try nest()
    defer { depth -= 1 }
    try advance()
    let body = try statements(inBlock: true, openedAt: open)
    try advance()  // the closing brace
    return body
  }

  /// A word, or `( command )`; nil at anything else.
  mutating func wordOrSubstitution() throws -> Word? {
    switch current {
    case .word(let w):
      try advance()
      return w
    case .openParen(let open):
      try nest()
      defer { depth -= 1 }
      try advance()
      while case .newline = current { try advance() }
      var words: [Word] = []
      var stages: [CommandCall] = []
      while true {
        while case .newline = current { try advance() }
        if case .closeParen(let close) = current {
          try advance()
          guard !words.isEmpty else {
            throw Diagnostic(
              "empty '()'", code: .syntax, notes: ["put a command inside: (datasets)"],
              range: open.union(close))
          }
          try rejectLoopStatement(words[0])
          var range = open.union(close)
          var path: [String] = []
          // `(command).field.field`: a word glued to the ')' that starts with a dot.
          if case .word(let next) = current, next.range.start.offset == close.end.offset,
            let text = next.bareText, text.hasPrefix("."), text.count > 1
          {
            path = text.dropFirst().split(separator: ".", omittingEmptySubsequences: false).map(
              String.init)
            guard path.allSatisfy({ !$0.isEmpty }) else {
              throw Diagnostic(
                "invalid field reference '\(text)'", code: .syntax,
                notes: ["write (command).field, e.g. (nodes).0.host"], range: next.range)
            }
            range = range.union(next.range)
            try advance()
          }
          return Word(
            parts: [], range: range,
            substitution: CommandCall(
              words: words, range: words[0].range.union(words.last!.range), pipeline: stages),
            substitutionPath: path)
        }
        if case .pipe = current, !words.isEmpty, stages.isEmpty {
          stages = try pipeline()
          continue
        }
        if case .end = current {
          throw incomplete("missing ')'", note: "close the command with ')'")
        }
        guard let w = try wordOrSubstitution() else {
          throw unexpected("token inside '( … )'", "a substitution holds one command: (datasets)")
        }
        words.append(w)
      }
    default:
      return nil
    }
  }

  /// `try break`, `(continue)`, `if try break …`: the loop statements are not commands.
  func rejectLoopStatement(_ first: Word) throws {
    if let word = first.bareText, word == "break" || word == "continue" {
      throw Diagnostic(
        "'\(word)' is a statement, not a command", code: .syntax,
        notes: ["write it alone inside a loop: for x in a b { if $x == a { \(word) } }"],
        range: first.range)
    }
  }

  mutating func command(what: String) throws -> CommandCall {
    var words: [Word] = []
    while let w = try wordOrSubstitution() { words.append(w) }
    if case .closeParen = current {
      throw unexpected("')'", "there is no '(' to close")
    }
    guard let first = words.first, let last = words.last else {
      if case .end = current { throw incomplete("missing \(what)", note: "the input ended early") }
      throw Diagnostic("expected \(what)", code: .syntax, notes: [], range: current.range)
    }
    try rejectLoopStatement(first)
    let stages = try pipeline()
    if case .closeParen = current {
      throw unexpected("')'", "there is no '(' to close")
    }
    return CommandCall(
      words: words, range: first.range.union(stages.last?.range ?? last.range), pipeline: stages)
  }

  /// `| cmd arg … | cmd …` after a command: the system commands its output goes through.
  mutating func pipeline() throws -> [CommandCall] {
    var stages: [CommandCall] = []
    while case .pipe(let bar) = current {
      try advance()
      // A line may end after '|', as in a shell: the program is on the next line.
      while case .newline = current { try advance() }
      var words: [Word] = []
      while let w = try wordOrSubstitution() { words.append(w) }
      guard let first = words.first, let last = words.last else {
        if case .end = current {
          throw incomplete(
            "missing system command after '|'", note: "write: datasets -o json | jq '.[].name'")
        }
        var d = Diagnostic(
          "expected a system command after '|'", code: .syntax,
          notes: ["write: datasets -o json | jq '.[].name'"], range: current.range)
        if case .pipe = current { d.range = bar.union(current.range) }
        throw d
      }
      stages.append(CommandCall(words: words, range: first.range.union(last.range)))
    }
    return stages
  }
}

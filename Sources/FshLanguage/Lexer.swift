/// A token of the fsh language.
package enum Token: Equatable, Sendable {
  case word(Word)
  case newline(SourceRange)
  case semicolon(SourceRange)
  case openBrace(SourceRange)
  case closeBrace(SourceRange)
  case openParen(SourceRange)
  case closeParen(SourceRange)
  /// `|`: sends the command's output to a system command (`datasets -o json | jq …`).
  case pipe(SourceRange)
  case end(SourceRange)

  package var range: SourceRange {
    switch self {
    case .word(let w): return w.range
    case .newline(let r), .semicolon(let r), .openBrace(let r), .closeBrace(let r),
      .openParen(let r), .closeParen(let r), .pipe(let r), .end(let r):
      return r
    }
  }
}

/// Splits source text into tokens: words (with quoting, escapes and `$variables`), separators,
/// braces, parentheses and `|`. `#` starts a comment at the start of a word; `\` at the end of a line
/// continues it.
package struct Lexer {
  private let scalars: [Unicode.Scalar]
  private var index = 0
  private var line = 1
  private var column = 1
  /// Tolerant mode, for unfinished input (completion): an unclosed quote or a trailing
  /// backslash ends the last word instead of being an error. Off, the lexer is strict.
  package var tolerant = false
  /// In tolerant mode: the quote the input ended inside, if any.
  package private(set) var openQuote: Character?
  /// In tolerant mode: whether the input ended inside a comment.
  package private(set) var endsInComment = false

  package init(_ text: String, tolerant: Bool = false) {
    // Reserved up front (at most one scalar a byte): growing by doubling copied a long
    // script's scalars, and then its tokens, several times over.
    var scalars: [Unicode.Scalar] = []
    scalars.reserveCapacity(text.utf8.count)
    scalars.append(contentsOf: text.unicodeScalars)
    self.scalars = scalars
    self.tolerant = tolerant
  }

  /// Tokenizes the whole text. Throws a diagnostic with code `.incompleteInput` when the text
  /// ends inside a quote or after a continuation backslash.
  package static func tokenize(_ text: String) throws -> [Token] {
    var lexer = Lexer(text)
    var tokens: [Token] = []
    tokens.reserveCapacity(lexer.scalars.count / 4 + 1)
    while true {
      let t = try lexer.next()
      tokens.append(t)
      if case .end = t { return tokens }
    }
  }

  private var position: SourcePosition { SourcePosition(line: line, column: column, offset: index) }

  private func peek(_ ahead: Int = 0) -> Unicode.Scalar? {
    let i = index + ahead
    return i < scalars.count ? scalars[i] : nil
  }

  private mutating func advance() {
    if scalars[index] == "\n" {
      line += 1
      column = 1
    } else {
      column += 1
    }
    index += 1
  }

  private static func isDelimiter(_ c: Unicode.Scalar) -> Bool {
    switch c {
    case " ", "\t", "\r", "\n", ";", "{", "}", "(", ")", "|": return true
    default: return false
    }
  }

  /// Returns the next token.
  package mutating func next() throws -> Token {
    // Skip blanks, comments and line continuations.
    while let c = peek() {
      if c == " " || c == "\t" || c == "\r" {
        advance()
      } else if c == "\\", peek(1) == "\n" {
        advance()
        advance()
      } else if c == "\\", peek(1) == nil {
        let start = position
        advance()
        if tolerant { break }
        throw Diagnostic(
          "line continuation at the end of the input", code: .incompleteInput,
          range: SourceRange(start, position))
      } else if c == "#" {
        while let d = peek(), d != "\n" { advance() }
        if peek() == nil { endsInComment = true }
      } else {
        break
      }
    }
    let start = position
    guard let c = peek() else { return .end(SourceRange(start, start)) }
    func single(_ make: (SourceRange) -> Token) -> Token {
      advance()
      return make(SourceRange(start, position))
    }
    switch c {
    case "\n": return single(Token.newline)
    case ";": return single(Token.semicolon)
    case "{": return single(Token.openBrace)
    case "}": return single(Token.closeBrace)
    case "(": return single(Token.openParen)
    case ")": return single(Token.closeParen)
    case "|": return single(Token.pipe)
    default: return .word(try word())
    }
  }

  private mutating func word() throws -> Word {
    let start = position
    var parts: [WordPart] = []
    var literal = ""
    var literalQuoted = false
    var sawQuote = false
    func flush() {
      if !literal.isEmpty {
        parts.append(.literal(literal, quoted: literalQuoted))
        literal = ""
      }
    }
    func appendLiteral(_ s: Unicode.Scalar, quoted: Bool) {
      if quoted != literalQuoted, !literal.isEmpty { flush() }
      literalQuoted = quoted
      literal.unicodeScalars.append(s)
    }
    while let c = peek(), !Lexer.isDelimiter(c) {
      switch c {
      case "'":
        let quoteStart = position
        advance()
        sawQuote = true
        var closed = false
        while let d = peek() {
          advance()
          if d == "'" {
            closed = true
            break
          }
          appendLiteral(d, quoted: true)
        }
        if !closed, tolerant {
          openQuote = "'"
        } else if !closed {
          throw Diagnostic(
            "unterminated single quote", code: .incompleteInput,
            notes: ["close the string with '"], range: SourceRange(quoteStart, position))
        }
      case "\"":
        let quoteStart = position
        advance()
        sawQuote = true
        var closed = false
        while let d = peek() {
          if d == "\"" {
            advance()
            closed = true
            break
          }
          if d == "\\" {
            advance()
            guard let e = peek() else { break }
            advance()
            switch e {
            case "n": appendLiteral("\n", quoted: true)
            case "t": appendLiteral("\t", quoted: true)
            case "\n": break  // continuation inside quotes
            case "\"", "\\", "$": appendLiteral(e, quoted: true)
            default:
              appendLiteral("\\", quoted: true)
              appendLiteral(e, quoted: true)
            }
          } else if d == "$", let v = try variable() {
            flush()
            parts.append(v)
          } else {
            advance()
            appendLiteral(d, quoted: true)
          }
        }
        if !closed, tolerant {
          openQuote = "\""
        } else if !closed {
          throw Diagnostic(
            "unterminated double quote", code: .incompleteInput,
            notes: ["close the string with \""], range: SourceRange(quoteStart, position))
        }
      case "\\":
        advance()
        if let e = peek() {
          advance()
          appendLiteral(e, quoted: true)
        }
      case "$":
        if let v = try variable() {
          flush()
          parts.append(v)
        } else {
          advance()
          appendLiteral("$", quoted: false)
        }
      default:
        advance()
        appendLiteral(c, quoted: false)
      }
    }
    flush()
    if parts.isEmpty, sawQuote { parts.append(.literal("", quoted: true)) }
    return Word(parts: parts, range: SourceRange(start, position), substitution: nil)
  }

  /// Reads `$name`, `${name.path}`, `$name.path`, `$1`, `$@`, `$#`, `$?`; nil when `$` is literal.
  private mutating func variable() throws -> WordPart? {
    let start = position
    guard let n = peek(1) else { return nil }
    if n == "{" {
      advance()
      advance()
      var text = ""
      while let c = peek(), c != "}" {
        if c == "\n" || c == "\"" { break }
        text.unicodeScalars.append(c)
        advance()
      }
      guard peek() == "}" else {
        throw Diagnostic(
          "unterminated '${'", code: .syntax, notes: ["close the variable with '}'"],
          range: SourceRange(start, position))
      }
      advance()
      let pieces = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
      guard let name = pieces.first, !name.isEmpty, pieces.allSatisfy({ !$0.isEmpty }) else {
        throw Diagnostic(
          "invalid variable reference '${\(text)}'", code: .syntax,
          notes: ["write a name such as ${name} or ${ds.name}"],
          range: SourceRange(start, position))
      }
      return .variable(
        name: name, path: Array(pieces.dropFirst()), range: SourceRange(start, position))
    }
    if n == "@" || n == "#" || n == "?" {
      advance()
      advance()
      return .variable(name: String(n), path: [], range: SourceRange(start, position))
    }
    if ("0"..."9").contains(n) {
      advance()
      var name = ""
      while let c = peek(), ("0"..."9").contains(c) {
        name.unicodeScalars.append(c)
        advance()
      }
      return .variable(name: name, path: [], range: SourceRange(start, position))
    }
    guard Identifier.isStart(n) else { return nil }
    advance()
    var name = ""
    while let c = peek(), Identifier.isContinuation(c) {
      name.unicodeScalars.append(c)
      advance()
    }
    var path: [String] = []
    // `.field` continues the reference when a name character follows the dot.
    while peek() == ".", let f = peek(1), Identifier.isContinuation(f) {
      advance()
      var field = ""
      while let c = peek(), Identifier.isContinuation(c) {
        field.unicodeScalars.append(c)
        advance()
      }
      path.append(field)
    }
    return .variable(name: name, path: path, range: SourceRange(start, position))
  }
}

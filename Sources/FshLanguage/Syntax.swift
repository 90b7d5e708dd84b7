/// One piece of a word: literal text or a variable reference.
package enum WordPart: Equatable, Sendable {
  /// Text as written; `quoted` when it came from inside quotes.
  case literal(String, quoted: Bool)
  /// `$name`, `${name}`, `$name.field.field`, `$1`, `$@`, `$#`, `$?`.
  case variable(name: String, path: [String], range: SourceRange)
}

/// A word of a command line, possibly built from several parts (`"$app-data"`).
package struct Word: Equatable, Sendable {
  package var parts: [WordPart]
  package var range: SourceRange
  /// A parenthesised command whose result is the word's value: `(datasets status pending)`.
  package var substitution: CommandCall?
  /// Fields read from the substitution's result: `(nodes).0.host`.
  package var substitutionPath: [String] = []

  /// The literal text when the word has no variables and no quotes (a keyword candidate).
  package var bareText: String? {
    guard substitution == nil, parts.count == 1, case .literal(let s, let quoted) = parts[0],
      !quoted
    else { return nil }
    return s
  }

  /// Whether any part of the word was quoted.
  package var isQuoted: Bool {
    parts.contains { if case .literal(_, true) = $0 { return true } else { return false } }
  }
}

/// A command and its argument words: `create "$app-data" 10G on $2`.
package struct CommandCall: Equatable, Sendable {
  package var words: [Word]
  package var range: SourceRange
  /// The system commands after `|`, in order: the command's output, rendered in its format, is
  /// the first one's standard input (`datasets -o json | jq '.[].name' | sort`).
  package var pipeline: [CommandCall] = []

  package init(words: [Word], range: SourceRange, pipeline: [CommandCall] = []) {
    self.words = words
    self.range = range
    self.pipeline = pipeline
  }
}

/// A condition of `if` or `while`.
package indirect enum Condition: Equatable, Sendable {
  /// `if $x { … }`: the value's truth.
  case truthy(Word)
  /// `if $a == $b`, `!=`, `<`, `<=`, `>`, `>=`, `=~` (glob match).
  case compare(Word, String, Word)
  /// `if try COMMAND …`: whether the command succeeds.
  case succeeds(CommandCall)
  case not(Condition)
  case and(Condition, Condition)
  case or(Condition, Condition)
}

/// A statement of a script.
package indirect enum Statement: Equatable, Sendable {
  /// A command whose result is shown.
  case command(CommandCall)
  /// `let NAME = WORD` or `let NAME = COMMAND …`.
  case assign(name: String, value: CommandCall, range: SourceRange)
  /// `let NAME = try COMMAND …`: keeps the result, or null when the command fails (the failure
  /// goes to `$error` instead of stopping).
  case assignAttempt(name: String, value: CommandCall, range: SourceRange)
  /// `try COMMAND …`: runs the command; a failure is recorded in `$error` instead of stopping.
  case attempt(CommandCall, range: SourceRange)
  case conditional(Condition, then: [Statement], otherwise: [Statement]?, range: SourceRange)
  /// `for NAME in WORD… { … }`.
  case loop(variable: String, items: [Word], body: [Statement], range: SourceRange)
  /// `while CONDITION { … }`.
  case whileLoop(Condition, body: [Statement], range: SourceRange)
  /// `break`: leaves the innermost `for` or `while` (only inside one: the parser says so).
  case breakLoop(range: SourceRange)
  /// `continue`: goes on with the innermost loop's next round.
  case continueLoop(range: SourceRange)
  /// `each NOUN WORD { … }`: the block run by what a library registered for NOUN (fsh: `each
  /// cluster 'lab-*' { … }` on every matching cluster); `block` is where its text is, braces
  /// included.
  case each(noun: String, selector: Word, block: SourceRange, range: SourceRange)
}

/// A parsed script: the statements of a file, of `-c` text or of one REPL entry.
package struct Script: Equatable, Sendable {
  package var statements: [Statement]
}

/// The conditions of `if` and `while` (`condition` and `term` in the grammar of Parser.swift):
/// comparisons, commands that succeed, `not`, `and`/`or`, and the `if … else` chain.
extension Parser {
  mutating func conditional() throws -> Statement {
    let startRange = current.range
    try advance()
    let cond = try condition()
    try rejectWordAfterCondition(keyword: "if")
    let then = try block(after: "the condition")
    var otherwise: [Statement]? = nil
    if bare(current) == "else" {
      try advance()
      if bare(current) == "if" {
        try nest()
        defer { depth -= 1 }
        otherwise = [try conditional()]
      } else if case .end = current {
        throw incomplete("missing block after 'else'", note: "write: else { … }")
      } else {
        otherwise = try block()
      }
    }
    return .conditional(
      cond, then: then, otherwise: otherwise, range: startRange.union(previousRange))
  }

  /// `if $x foo {`: a value followed by a word that is neither an operator nor '{'.
  func rejectWordAfterCondition(keyword: String) throws {
    guard case .word(let w) = current else { return }
    throw Diagnostic(
      "unexpected '\(w.bareText ?? "word")' after the condition", code: .syntax,
      notes: [
        "compare two values with an operator: \(keyword) $x == value { … }",
        "to test whether a command succeeds, start with its name: \(keyword) dataset web-data { … }",
      ], range: current.range)
  }

  mutating func condition() throws -> Condition {
    var left = try conditionTerm()
    while let op = bare(current), op == "and" || op == "or" {
      try advance()
      let right = try conditionTerm()
      left = op == "and" ? .and(left, right) : .or(left, right)
    }
    return left
  }

  mutating func conditionTerm() throws -> Condition {
    if case .end = current {
      throw incomplete("missing condition", note: "write: if $x == value { … }")
    }
    if let b = bare(current), b == "!" || b == "not" {
      try nest()
      defer { depth -= 1 }
      try advance()
      return .not(try conditionTerm())
    }
    if bare(current) == "try" {
      try advance()
      var words: [Word] = []
      let start = current.range
      while let w = try conditionWord() { words.append(w) }
      guard !words.isEmpty else {
        throw Diagnostic(
          "expected a command after 'try'", code: .syntax,
          notes: ["write: if try destroy $ds --yes { … }"], range: current.range)
      }
      try rejectLoopStatement(words[0])
      let stages = try pipeline()
      return .succeeds(
        CommandCall(
          words: words, range: start.union(stages.last?.range ?? words.last!.range),
          pipeline: stages))
    }
    guard let left = try conditionWord() else {
      throw Diagnostic(
        "expected a condition", code: .syntax, notes: ["write: if $x == value { … }"],
        range: current.range)
    }
    // `if dataset web-data { … }`: an unquoted literal followed by a word that is not an
    // operator starts a command, true when it succeeds (as `if try dataset web-data`).
    if left.bareText != nil, case .pipe = current {
      // `if datasets | grep -q web { … }`: a command piped to a system command.
      try rejectLoopStatement(left)
      let stages = try pipeline()
      return .succeeds(
        CommandCall(
          words: [left], range: left.range.union(stages.last?.range ?? left.range),
          pipeline: stages))
    }
    if left.bareText != nil, let next = peekConditionWord(),
      !(next.bareText.map(Parser.comparisonOperators.contains) ?? false)
    {
      try rejectLoopStatement(left)
      var words = [left]
      while let w = try conditionWord() { words.append(w) }
      let stages = try pipeline()
      return .succeeds(
        CommandCall(
          words: words, range: left.range.union(stages.last?.range ?? words.last!.range),
          pipeline: stages))
    }
    if let op = bare(current), Parser.comparisonOperators.contains(op) {
      try advance()
      guard let right = try conditionWord() else {
        if case .end = current {
          throw incomplete("missing right side of '\(op)'", note: "write: if $x \(op) value { … }")
        }
        throw Diagnostic(
          "expected a value after '\(op)'", code: .syntax,
          notes: ["write: if $x \(op) value { … }"],
          range: current.range)
      }
      return .compare(left, op, right)
    }
    return .truthy(left)
  }

  /// The word a condition continues with (a word or `(`), without consuming it; nil at `{`,
  /// `and`, `or`, a separator or the end.
  func peekConditionWord() -> Word? {
    switch current {
    case .word(let w):
      if let b = w.bareText, b == "and" || b == "or" { return nil }
      return w
    case .openParen(let r): return Word(parts: [], range: r)
    default: return nil
    }
  }

  /// A word inside a condition; nil at `{`, `and`, `or` or a separator.
  mutating func conditionWord() throws -> Word? {
    if let b = bare(current), b == "and" || b == "or" { return nil }
    if case .newline = current {
      throw Diagnostic(
        "expected '{' after the condition", code: .syntax,
        notes: ["put '{' on the same line as 'if' or 'while'"], range: current.range)
    }
    return try wordOrSubstitution()
  }
}

import Testing

@testable import FshLanguage

struct LexerTests {
  func words(_ text: String) throws -> [Word] {
    try Lexer.tokenize(text).compactMap {
      if case .word(let w) = $0 { return w } else { return nil }
    }
  }

  @Test func quotingAndEscapes() throws {
    let w = try words(#"echo 'a b' "c\"d" e\ f "x\ty""#)
    #expect(w.count == 5)
    #expect(w[1].parts == [.literal("a b", quoted: true)])
    #expect(w[2].parts == [.literal("c\"d", quoted: true)])
    #expect(
      w[3].parts.map { if case .literal(let s, _) = $0 { return s } else { return "" } }.joined()
        == "e f")
    #expect(w[4].parts == [.literal("x\ty", quoted: true)])
  }

  @Test func variablesAndFields() throws {
    let w = try words(#""$app-data" $ds.dataset_id ${x}.fsh $1 $@ $# $? $"#)
    guard case .variable("app", [], _) = w[0].parts[0], case .literal("-data", true) = w[0].parts[1]
    else {
      Issue.record("bad parts \(w[0].parts)")
      return
    }
    guard case .variable("ds", ["dataset_id"], _) = w[1].parts[0] else {
      Issue.record("\(w[1])"); return
    }
    guard case .variable("x", [], _) = w[2].parts[0], case .literal(".fsh", false) = w[2].parts[1]
    else {
      Issue.record("\(w[2])")
      return
    }
    for (i, name) in [(3, "1"), (4, "@"), (5, "#"), (6, "?")] {
      guard case .variable(let n, [], _) = w[i].parts[0] else { Issue.record("\(w[i])"); continue }
      #expect(n == name)
    }
    #expect(w[7].bareText == "$")
  }

  @Test func commentsContinuationsAndPositions() throws {
    let tokens = try Lexer.tokenize("a # c\nb \\\n  c;d")
    let w = tokens.compactMap { if case .word(let w) = $0 { return w } else { return nil } }
    #expect(w.map { $0.bareText } == ["a", "b", "c", "d"])
    #expect(w[2].range.start.line == 3)
    #expect(w[2].range.start.column == 3)
    #expect(w[3].range.start.column == 5)
  }

  @Test func unterminatedInputAsksForMore() {
    for text in ["echo 'abc", "echo \"abc", "echo a \\"] {
      do {
        _ = try Lexer.tokenize(text)
        Issue.record("no error for \(text)")
      } catch let d as Diagnostic {
        #expect(d.code == .incompleteInput)
      } catch { Issue.record("\(error)") }
    }
  }

  @Test func emptyQuotesAreAnArgument() throws {
    let w = try words(#"echo '' """#)
    #expect(w.count == 3)
    #expect(w[1].parts == [.literal("", quoted: true)])
  }
}

struct ParserTests {
  @Test func breakAndContinueAreStatementsOfALoopBody() throws {
    let s = try Parser.parse("while true { if $x { break }; continue }")
    guard case .whileLoop(_, let body, _) = s.statements.first,
      case .conditional(_, let then, _, _) = body.first
    else {
      Issue.record("while with an if")
      return
    }
    guard case .breakLoop = then.first, case .continueLoop = body.last else {
      Issue.record("break in the if, continue after it: \(body)")
      return
    }
    for (text, message) in [
      ("break", "'break' outside a loop"), ("if true { continue }", "'continue' outside a loop"),
      ("for x in a { break now }", "'break' takes no words"),
      ("for x in a { try break }", "'break' is a statement, not a command"),
      ("let x = (continue)", "'continue' is a statement, not a command"),
      ("while true { if try break { echo } }", "'break' is a statement, not a command"),
    ] {
      #expect(throws: Diagnostic.self, "\(text)") { try Parser.parse(text) }
      do {
        _ = try Parser.parse(text)
      } catch let d as Diagnostic {
        #expect(d.message == message && d.code == .syntax, "\(text): \(d.message)")
      }
    }
  }

  @Test func statementsAndBlocks() throws {
    let s = try Parser.parse(
      """
      let ds = create web 10G on n1
      for d in a b (datasets) { echo $d; try destroy $d --yes }
      if $x == 1 and not try version { echo yes } else if $y { echo y } else { echo no }
      """)
    #expect(s.statements.count == 3)
    guard case .assign("ds", let call, _) = s.statements[0] else { Issue.record("assign"); return }
    #expect(call.words.count == 5)
    guard case .loop("d", let items, let body, _) = s.statements[1] else {
      Issue.record("loop"); return
    }
    #expect(items.count == 3)
    #expect(items[2].substitution?.words.first?.bareText == "datasets")
    #expect(body.count == 2)
    guard
      case .conditional(.and(.compare(_, "==", _), .not(.succeeds)), _, let other?, _) =
        s.statements[2]
    else {
      Issue.record("if: \(s.statements[2])")
      return
    }
    guard case .conditional(.truthy, _, .some, _) = other[0] else {
      Issue.record("else if"); return
    }
  }

  /// `each NOUN SELECTOR { … }`: the block is parsed (its errors stop the script before
  /// anything runs) and kept as a range of the text, braces included.
  @Test func eachKeepsWhereItsBlockIs() throws {
    let text = "each cluster 'lab-*' {\n  nodes\n}"
    let s = try Parser.parse(text)
    guard case .each(let noun, let selector, let block, _) = s.statements.first else {
      Issue.record("not an each: \(s.statements)")
      return
    }
    #expect(noun == "cluster" && selector.isQuoted)
    let scalars = Array(text.unicodeScalars)
    #expect(
      String(String.UnicodeScalarView(scalars[block.start.offset..<block.end.offset]))
        == "{\n  nodes\n}")
    #expect(throws: Diagnostic.self) { try Parser.parse("each cluster x { if }") }
    #expect(throws: Diagnostic.self) { try Parser.parse("each cluster x echo") }
  }

  @Test func incompleteBlocksAskForMore() {
    for text in [
      "for x in a b {", "if $x {\n echo", "let x =", "echo (datasets", "if $x { a } else",
      "each", "each cluster", "each cluster 'lab-*'", "each cluster x {\n echo",
    ] {
      do {
        _ = try Parser.parse(text)
        Issue.record("no error for \(text)")
      } catch let d as Diagnostic {
        #expect(d.code == .incompleteInput, "\(text): \(d.message)")
      } catch { Issue.record("\(error)") }
    }
  }

  @Test func syntaxErrorsPointAtTheToken() {
    let cases: [(String, Int, Int, String)] = [
      ("echo a }", 1, 8, "unexpected '}'"),
      ("let 1x = 3", 1, 5, "expected a variable name after 'let'"),
      ("let x 3", 1, 7, "expected '=' after 'let x'"),
      ("echo )", 1, 6, "unexpected ')'"),
      ("if $x\n{ echo }", 1, 6, "expected '{' after the condition"),
      ("for x on a { }", 1, 7, "expected 'in' after 'for x'"),
      ("if $x foo { }", 1, 7, "unexpected 'foo' after the condition"),
      ("if \"$x\" foo { }", 1, 9, "unexpected 'foo' after the condition"),
    ]
    for (text, line, col, message) in cases {
      do {
        _ = try Parser.parse(text)
        Issue.record("no error for \(text)")
      } catch let d as Diagnostic {
        #expect(d.message == message, "\(text)")
        #expect(d.range?.start.line == line, "\(text)")
        #expect(d.range?.start.column == col, "\(text)")
      } catch { Issue.record("\(error)") }
    }
  }

  /// `if COMMAND ARGS { }`: an unquoted first word followed by a word that is not an operator
  /// is a command; `$x`, a quoted word, `( … )` or a single word stay value tests.
  @Test func conditionsThatAreCommands() throws {
    func condition(_ text: String) throws -> Condition {
      let script = try Parser.parse(text)
      guard case .conditional(let c, _, _, _)? = script.statements.first else {
        throw Diagnostic("not a conditional: \(text)")
      }
      return c
    }
    guard case .succeeds(let call) = try condition("if dataset web-data { echo yes }") else {
      Issue.record("'if dataset web-data' is not a command")
      return
    }
    #expect(call.words.compactMap(\.bareText) == ["dataset", "web-data"])
    if case .succeeds(let c) = try condition("if not dataset a and version x { }") {
      Issue.record("'not' lost: \(c)")
    }
    guard
      case .and(.not(.succeeds), .succeeds) = try condition("if not dataset a and version x { }")
    else {
      Issue.record("and/not around commands")
      return
    }
    guard case .compare = try condition("if a == b { }") else {
      Issue.record("'a == b' is a comparison")
      return
    }
    guard case .truthy = try condition("if yes { }") else {
      Issue.record("a single word is a value test")
      return
    }
    guard case .truthy = try condition("if $x { }") else {
      Issue.record("$x is a value test")
      return
    }
    guard case .truthy = try condition("if (datasets) { }") else {
      Issue.record("( … ) is a value test")
      return
    }
    // The note of a condition that cannot be read gives the fixes that are right.
    do {
      _ = try Parser.parse("if $x foo { }")
      Issue.record("'if $x foo { }' parsed: it is no condition")
    } catch let d as Diagnostic {
      #expect(d.notes.contains { $0.contains("if $x == value") })
      #expect(d.notes.contains { $0.contains("if dataset web-data") })
      #expect(!d.notes.contains { $0.contains("same line") })
    }
  }
  /// Issue 30: `let NAME = try COMMAND`, `while`, and `|` to system commands.
  @Test func letTryWhileAndPipes() throws {
    let s = try Parser.parse(
      """
      let d = try create web 10G on n1
      while $n < 3 and not try version { let n = $n + 1; continue }
      datasets -o json | jq '.[].name' | sort
      let x = (echo a|tr a-z A-Z)
      if datasets | grep -q web { echo yes }
      """)
    #expect(s.statements.count == 5)
    guard case .assignAttempt("d", let call, _) = s.statements[0] else {
      Issue.record("let … = try: \(s.statements[0])")
      return
    }
    #expect(call.words.compactMap(\.bareText) == ["create", "web", "10G", "on", "n1"])
    guard case .whileLoop(.and(.compare(_, "<", _), .not(.succeeds)), let body, _) = s.statements[1]
    else {
      Issue.record("while: \(s.statements[1])")
      return
    }
    #expect(body.count == 2)
    guard case .command(let piped) = s.statements[2] else { Issue.record("pipe"); return }
    #expect(piped.words.compactMap(\.bareText) == ["datasets", "-o", "json"])
    #expect(piped.pipeline.map { $0.words.count } == [2, 1])
    #expect(piped.pipeline[0].words[1].parts == [.literal(".[].name", quoted: true)])
    #expect(piped.range.end.column == 40)
    guard case .assign("x", let sub, _) = s.statements[3],
      let inner = sub.words.first?.substitution
    else {
      Issue.record("pipe in ( … )")
      return
    }
    #expect(inner.words.compactMap(\.bareText) == ["echo", "a"])
    #expect(inner.pipeline.first?.words.compactMap(\.bareText) == ["tr", "a-z", "A-Z"])
    guard case .conditional(.succeeds(let test), _, _, _) = s.statements[4] else {
      Issue.record("pipe in a condition")
      return
    }
    #expect(test.pipeline.first?.words.compactMap(\.bareText) == ["grep", "-q", "web"])
    // A line may end after '|'.
    let split = try Parser.parse("datasets -o json |\n  jq .\necho next")
    #expect(split.statements.count == 2)
    if case .command(let c) = split.statements[0] {
      #expect(c.pipeline.first?.words.compactMap(\.bareText) == ["jq", "."])
    }
    // A quoted bar is text.
    let quoted = try Parser.parse("echo 'a|b' \"c|d\" e\\|f")
    guard case .command(let echo) = quoted.statements[0] else { return }
    #expect(echo.pipeline.isEmpty)
    #expect(echo.words.count == 4)
  }

  @Test func tryLetAndBadPipesAreSyntaxErrors() {
    let cases: [(String, Int, Int, String, Diagnostic.Code)] = [
      ("try let d = create x", 1, 1, "'try' cannot come before 'let'", .syntax),
      ("echo a | | b", 1, 8, "expected a system command after '|'", .syntax),
      ("| tr a b", 1, 1, "expected a command", .syntax),
      ("echo a |", 1, 9, "missing system command after '|'", .incompleteInput),
      ("while $x\n{ echo }", 1, 9, "expected '{' after the condition", .syntax),
      ("while $x foo { }", 1, 10, "unexpected 'foo' after the condition", .syntax),
      ("while { }", 1, 7, "expected a condition", .syntax),
      ("while $x { echo", 1, 10, "missing '}'", .incompleteInput),
    ]
    for (text, line, col, message, code) in cases {
      do {
        _ = try Parser.parse(text)
        Issue.record("no error for \(text)")
      } catch let d as Diagnostic {
        #expect(d.message == message, "\(text)")
        #expect(d.code == code, "\(text)")
        #expect(d.range?.start.line == line, "\(text)")
        #expect(d.range?.start.column == col, "\(text)")
        if text.hasPrefix("try let") {
          #expect(d.notes.contains { $0.contains("let NAME = try COMMAND") })
        }
      } catch { Issue.record("\(error)") }
    }
  }
}

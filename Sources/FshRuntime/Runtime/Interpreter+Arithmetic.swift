// Arithmetic: `let n = $n + 1`, `let total = $total + $d.size`, `($a + 1) * 2`.
import Foundation
import FshLanguage

extension Interpreter {
  // MARK: - Arithmetic

  package static let arithmeticOperators: Set<String> = ["+", "-", "*", "/"]

  /// One operand: a whole number, and whether it is a size (bytes).
  private struct Operand {
    package var number: Int
    package var isSize: Bool
    package var range: SourceRange
  }

  /// The value of `A OP B OP C …` when the call is arithmetic, nil when it is a command.
  ///
  /// A call is arithmetic when it has an odd number of words, every second word is a bare
  /// `+`, `-`, `*` or `/`, and the first word does not name a command (`echo - 1` is `echo`).
  /// `*` and `/` bind tighter than `+` and `-`; all are left-associative; `( … )` groups
  /// (a parenthesised sum is a substitution whose value is the sum). Operands are whole
  /// numbers and sizes (`512M`, or a size field such as `$d.size`); the result is a size when
  /// a sum or difference has a size in it, a size is multiplied by a number, or divided by one.
  package func arithmetic(_ call: CommandCall) throws -> Value? {
    let words = call.words
    guard words.count >= 3, words.count % 2 == 1 else { return nil }
    for i in stride(from: 1, to: words.count, by: 2) {
      guard let op = words[i].bareText, Interpreter.arithmeticOperators.contains(op) else {
        return nil
      }
    }
    if let first = words[0].bareText, session.commands.lookup([first]) != nil { return nil }

    // `*` and `/` first, into terms; then the terms left to right with `+` and `-`.
    var terms: [Operand] = [try operand(words[0])]
    var signs: [String] = []
    for i in stride(from: 1, to: words.count, by: 2) {
      let op = words[i].bareText!
      let right = try operand(words[i + 1])
      if op == "*" || op == "/" {
        terms[terms.count - 1] = try Interpreter.combine(terms[terms.count - 1], op, right)
      } else {
        signs.append(op)
        terms.append(right)
      }
    }
    var total = terms[0]
    for (op, term) in zip(signs, terms.dropFirst()) {
      total = try Interpreter.combine(total, op, term)
    }
    if total.isSize {
      let magnitude = Sizes.formatExact(abs(total.number))
      return .string(total.number < 0 ? "-" + magnitude : magnitude)
    }
    return .int(total.number)
  }

  private static func combine(_ a: Operand, _ op: String, _ b: Operand) throws -> Operand {
    let range = a.range.union(b.range)
    func tooLarge() -> Diagnostic {
      Diagnostic(
        "the result of '\(op)' is too large", code: .usage,
        notes: ["whole numbers go up to \(Int.max)"], range: range)
    }
    switch op {
    case "+", "-":
      let (n, overflow) =
        op == "+"
        ? a.number.addingReportingOverflow(b.number)
        : a.number.subtractingReportingOverflow(b.number)
      if overflow { throw tooLarge() }
      return Operand(number: n, isSize: a.isSize || b.isSize, range: range)
    case "*":
      if a.isSize && b.isSize {
        throw Diagnostic(
          "cannot multiply a size by a size", code: .usage,
          notes: ["multiply a size by a number: $d.size * 2"], range: range)
      }
      let (n, overflow) = a.number.multipliedReportingOverflow(by: b.number)
      if overflow { throw tooLarge() }
      return Operand(number: n, isSize: a.isSize || b.isSize, range: range)
    default:
      if b.number == 0 {
        throw Diagnostic(
          "division by zero", code: .usage,
          notes: ["check the divisor first: if $count != 0 { … }"], range: b.range)
      }
      let (n, overflow) = a.number.dividedReportingOverflow(by: b.number)
      if overflow { throw tooLarge() }
      // A size divided by a number is a size; by a size, how many times it fits.
      return Operand(number: n, isSize: a.isSize && !b.isSize, range: range)
    }
  }

  private func operand(_ w: Word) throws -> Operand {
    let value = try evaluate(w).value
    // A size field (`$d.size`) holds bytes; it stays a size in the result.
    var isSizeField = false
    if w.parts.count == 1, case .variable(_, let path, _) = w.parts[0], let last = path.last {
      isSizeField = ResultFormatter.sizeKeys.contains(last)
    } else if let last = w.substitutionPath.last {
      isSizeField = ResultFormatter.sizeKeys.contains(last)
    }
    func notANumber(_ shown: String) -> Diagnostic {
      Diagnostic(
        "\(shown) is not a number: arithmetic works on whole numbers and sizes", code: .usage,
        notes: ["write numbers such as 42 or -3, sizes such as 512M or 10G: let n = $n + 1"],
        range: w.range)
    }
    switch value {
    case .int(let n):
      return Operand(number: n, isSize: isSizeField, range: w.range)
    case .double(let d):
      guard d.isFinite, d == d.rounded(), let n = Int(exactly: d) else {
        throw notANumber("'\(value.text)'")
      }
      return Operand(number: n, isSize: isSizeField, range: w.range)
    case .string(let s):
      if let n = Int(s) { return Operand(number: n, isSize: isSizeField, range: w.range) }
      if Double(s) != nil {
        throw Diagnostic(
          "'\(s)' is not a whole number: arithmetic works on whole numbers and sizes",
          code: .usage, notes: ["write sizes with a unit instead of a fraction: 1.5G, 512M"],
          range: w.range)
      }
      let negative = s.hasPrefix("-")
      if let bytes = Sizes.value(negative ? String(s.dropFirst()) : s) {
        return Operand(number: negative ? -bytes : bytes, isSize: true, range: w.range)
      }
      throw notANumber(s.isEmpty ? "an empty value" : "'\(s)'")
    case .null:
      throw notANumber("null")
    default:
      throw notANumber("'\(TerminalText.safe(value.text))'")
    }
  }
}

// `if` conditions: truth, comparisons (numbers, sizes, durations, globs), `try`, not/and/or.
import Foundation
import FshLanguage

extension Interpreter {
  // MARK: - Conditions

  package func test(_ c: Condition) throws -> Bool {
    switch c {
    case .truthy(let w): return try evaluate(w).value.isTruthy
    case .not(let inner): return try !test(inner)
    case .and(let a, let b): return try test(a) && test(b)
    case .or(let a, let b): return try test(a) || test(b)
    case .succeeds(let call):
      do {
        try run(call).throwingFailure()
        recordSuccess()
        return true
      } catch let d as Diagnostic where d.code != .cancelled {
        recordFailure(d.located(in: source, at: call.range))
        return false
      }
    case .compare(let lw, let op, let rw):
      let l = try evaluate(lw).value
      let r = try evaluate(rw).value
      if op == "=~" { return Glob.matches(r.text, l.text) }
      if op == "!~" { return !Glob.matches(r.text, l.text) }
      let a = Interpreter.number(l)
      let b = Interpreter.number(r)
      if op == "==" || op == "!=" {
        // A number or a size with a unit against a number compares by value
        // (`$d.size == 1024M`); two words compare as text ("1.10" is not "1.1").
        let byValue =
          a != nil && b != nil && (Interpreter.isQuantity(l) || Interpreter.isQuantity(r))
        let same = byValue ? a == b : l.text == r.text
        return op == "==" ? same : !same
      }
      let order: ComparisonResult
      if let a, let b {
        order = a < b ? .orderedAscending : (a > b ? .orderedDescending : .orderedSame)
      } else if a != nil || b != nil {
        let other = a == nil ? l : r
        let shown = other.text.isEmpty ? "an empty value" : "'\(other.text)'"
        throw Diagnostic(
          "cannot compare a number with \(shown) using '\(op)'", code: .usage,
          notes: [
            "'<', '<=', '>' and '>=' compare numbers and sizes (1G, 512M) with each other, or text with text"
          ], range: SourceRange(lw.range.start, rw.range.end))
      } else {
        order =
          l.text < r.text
          ? .orderedAscending : (l.text > r.text ? .orderedDescending : .orderedSame)
      }
      switch op {
      case "<": return order == .orderedAscending
      case "<=": return order != .orderedDescending
      case ">": return order == .orderedDescending
      default: return order != .orderedAscending
      }
    }
  }

  /// Whether a value is a number, or a size written with its unit (`1G`), rather than a word.
  package static func isQuantity(_ v: Value) -> Bool {
    switch v {
    case .int, .double: return true
    case .string(let s): return Double(s) == nil && Sizes.value(s) != nil
    default: return false
    }
  }

  /// A value as a number for comparisons: numbers, numeric text, and sizes as bytes (`1G`).
  package static func number(_ v: Value) -> Double? {
    switch v {
    case .int(let i): return Double(i)
    case .double(let d): return d
    case .string(let s):
      if let d = Double(s) { return d }
      return Sizes.value(s).map(Double.init)
    default: return nil
    }
  }
}

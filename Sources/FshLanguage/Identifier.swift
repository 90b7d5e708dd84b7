/// What a variable name is made of, for the lexer (`$name`) and the parser (`let name`,
/// `for name`): an ASCII letter or `_`, then letters, digits and `_`.
enum Identifier {
  static func isStart(_ c: Unicode.Scalar) -> Bool {
    c == "_" || ("a"..."z").contains(c) || ("A"..."Z").contains(c)
  }

  static func isContinuation(_ c: Unicode.Scalar) -> Bool {
    isStart(c) || ("0"..."9").contains(c)
  }

  /// Whether the whole of `s` is a name.
  static func isValid(_ s: String) -> Bool {
    guard let first = s.unicodeScalars.first, isStart(first) else { return false }
    return s.unicodeScalars.allSatisfy(isContinuation)
  }
}

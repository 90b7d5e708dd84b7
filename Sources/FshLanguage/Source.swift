/// A position in a source text: 1-based line and column (columns count Unicode scalars).
public struct SourcePosition: Equatable, Hashable, Sendable, Comparable {
  public var line: Int
  public var column: Int
  /// Offset in Unicode scalars from the start of the text.
  public var offset: Int

  public init(line: Int, column: Int, offset: Int) {
    self.line = line
    self.column = column
    self.offset = offset
  }

  public static func < (a: SourcePosition, b: SourcePosition) -> Bool { a.offset < b.offset }
}

/// A half-open range of a source text.
public struct SourceRange: Equatable, Hashable, Sendable {
  public var start: SourcePosition
  public var end: SourcePosition

  public init(_ start: SourcePosition, _ end: SourcePosition) {
    self.start = start
    self.end = end
  }

  /// The smallest range covering both.
  public func union(_ other: SourceRange) -> SourceRange {
    SourceRange(min(start, other.start), max(end, other.end))
  }
}

/// A named source text: a script file, `-c` text, or one REPL entry.
package final class SourceText: @unchecked Sendable {
  /// The name shown in diagnostics: a file path, `<-c>` or `<stdin>`.
  package let name: String
  /// The whole text.
  package let text: String
  private var lineCache: [Substring]?

  package init(name: String, text: String) {
    self.name = name
    self.text = text
  }

  /// Returns line `n` (1-based) without its newline, or nil when out of range.
  package func line(_ n: Int) -> String? {
    if lineCache == nil {
      // Split on the scalar "\n" like the lexer counts lines: as Characters, "\r\n" is one
      // grapheme that is not "\n", and a CRLF script would be a single line.
      lineCache = text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false)
        .map { Substring($0) }
    }
    guard let lines = lineCache, n >= 1, n <= lines.count else { return nil }
    var line = String(lines[n - 1])
    if line.unicodeScalars.last == "\r" { line.unicodeScalars.removeLast() }
    return line
  }
}

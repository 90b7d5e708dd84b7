/// The generic runtime's argument values: text, the structured argument, whole numbers in a
/// range and durations. A program's own (fsh's dataset and node references, sizes) sit beside its
/// commands.

import FshLanguage

extension String: ArgumentValue {
  public static func parse(_ argument: CommandArgument, as parameter: Parameter) throws -> String {
    argument.text
  }
}

extension CommandArgument: ArgumentValue {
  /// The argument itself: its structured value (`$ds`, a record) and where it was written.
  public static func parse(_ argument: CommandArgument, as parameter: Parameter) throws
    -> CommandArgument
  { argument }
}

extension Param where Value == Int {
  /// A parameter taking a whole number in `range`: `.number(.positional("STATUS", …), in: 0...255)`.
  public static func number(_ parameter: Parameter, in range: ClosedRange<Int>) -> Param {
    Param(parameter) { a, p in
      guard let n = Int(a.text), range.contains(n) else {
        throw Diagnostic.usage(
          "invalid \(p.label) '\(a.text)': expected a whole number from \(range.lowerBound) "
            + "to \(range.upperBound)", range: a.range)
      }
      return n
    }
  }
}

/// A positive duration (`30s`, `2m`, `1h30m`, `1.5`), in seconds.
public struct Seconds: ArgumentValue, Equatable, ExpressibleByIntegerLiteral {
  public var seconds: Double
  public init(_ seconds: Double) { self.seconds = seconds }
  public init(integerLiteral value: Int) { seconds = Double(value) }

  public static func parse(_ argument: CommandArgument, as parameter: Parameter) throws -> Seconds {
    guard let s = Durations.parse(argument.text), s > 0 else {
      throw Diagnostic.usage(
        "invalid \(parameter.label) '\(argument.text)'",
        notes: ["give a duration such as 30s, 10m or 1h"], range: argument.range)
    }
    return Seconds(s)
  }
}

extension Param where Value == Seconds {
  /// A keyword taking a duration (`timeout DURATION`); messages name it by its keyword.
  public static func duration(
    _ name: String, _ summary: @autoclosure @escaping @Sendable () -> String,
    label: String? = nil
  ) -> Param {
    Param(.keyword(name, "DURATION", summary(), label: label))
  }

}

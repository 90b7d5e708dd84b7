import Foundation
import FshLanguage

/// Dataset sizes: parsing `50G`, `1.5T`, `512MiB`, plain bytes, checked against the API's
/// rules (an integer number of bytes, at least 64 MiB, a multiple of 1024) before sending.
public enum Sizes {
  /// The smallest size the API accepts: 64 MiB.
  package static let minimum = 67_108_864
  /// What block backends use when no size is given.
  package static let backendDefault = 75 << 30

  /// Every unit is binary, whichever way it is written: `G`, `Gi` (Kubernetes), `GiB` and `GB`
  /// all mean 1024³ bytes, as in flockerctl and the Flocker API documentation (Kubernetes'
  /// own `G` is 1000³: the note says so).
  package static let units: [(names: [String], factor: Double)] = [
    (["", "b"], 1), (["k", "ki", "kb", "kib"], 1024), (["m", "mi", "mb", "mib"], 1_048_576),
    (["g", "gi", "gb", "gib"], 1_073_741_824), (["t", "ti", "tb", "tib"], 1_099_511_627_776),
    (["p", "pi", "pb", "pib"], 1_125_899_906_842_624),
  ]

  /// Sizes above this (64T) ask for confirmation: more than any one volume is likely to be.
  package static let confirmAbove = 64 << 40

  /// What the units mean, for help and error notes.
  package static let unitsNote =
    "units are binary: 10G = 10Gi = 10GiB = 10GB = 10×1024³ bytes (K, M, G, T, P; not Kubernetes' 10G = 10×1000³)"

  /// Parses a size into bytes, or throws a usage error proposing the nearest valid size.
  /// Units are binary: `50G` = `50Gi` = `50GiB` = `50GB` = 53687091200 bytes.
  package static func parse(_ text: String) throws -> Int {
    let n = try bytes(text)
    try check(n, original: text)
    return n
  }

  /// The number of bytes a size names (`1G`, `10Gi`, `512`), without the API's checks; nil
  /// when the text is not a size. Comparisons (`$d.size >= 1G`) use it.
  package static func value(_ text: String) -> Int? { try? bytes(text) }

  package static func bytes(_ text: String) throws -> Int {
    let s = text.trimmingCharacters(in: .whitespaces)
    var number = ""
    var unit = ""
    for c in s {
      if unit.isEmpty && (c.isASCII && (c.isNumber || c == ".")) {
        number.append(c)
      } else {
        unit.append(c)
      }
    }
    let lower = unit.lowercased().trimmingCharacters(in: .whitespaces)
    guard !number.isEmpty, number.filter({ $0 == "." }).count <= 1, number != ".",
      let factor = units.first(where: { $0.names.contains(lower) })?.factor
    else {
      throw Diagnostic.usage(
        "invalid size '\(text)'",
        notes: ["expected a size such as 10G, 1.5T, 512M or a number of bytes", unitsNote])
    }
    // Exact arithmetic: digits before and after the point, scaled by the (integer) factor.
    let parts = number.split(separator: ".", omittingEmptySubsequences: false)
    let whole = parts[0].isEmpty ? "0" : String(parts[0])
    let frac = parts.count > 1 ? String(parts[1]) : ""
    guard whole.count + frac.count <= 30, let w = Decimal(string: whole),
      let f = Decimal(string: frac.isEmpty ? "0" : frac)
    else { throw Diagnostic.usage("invalid size '\(text)'", notes: ["the number is too long"]) }
    var scale = Decimal(1)
    for _ in 0..<frac.count { scale *= 10 }
    let bytes = (w + f / scale) * Decimal(factor)
    guard bytes <= Decimal(Int.max / 2) else {
      throw Diagnostic.usage(
        "size '\(text)' is too large", notes: ["Flocker sizes are 64-bit byte counts"])
    }
    var rounded = Decimal()
    var copy = bytes
    NSDecimalRound(&rounded, &copy, 0, .plain)
    if rounded != bytes {
      let up = roundUpToValid(NSDecimalNumber(decimal: bytes).doubleValue)
      throw Diagnostic.usage(
        "size '\(text)' is not a whole number of bytes",
        notes: [
          "the API needs an integer number of bytes, a multiple of 1024: did you mean \(formatExact(up))?"
        ])
    }
    return NSDecimalNumber(decimal: rounded).intValue
  }

  /// Checks a byte count against the API's rules.
  package static func check(_ n: Int, original: String) throws {
    if n < minimum {
      throw Diagnostic.usage(
        "size '\(original)' is below the minimum of 64M",
        notes: ["Flocker datasets are at least 64M (67108864 bytes)"])
    }
    if n % 1024 != 0 {
      let up = roundUpToValid(Double(n))
      throw Diagnostic.usage(
        "size '\(original)' (\(n) bytes) is not a multiple of 1024",
        notes: ["did you mean \(formatExact(up)) (\(up) bytes)?"])
    }
  }

  package static func roundUpToValid(_ bytes: Double) -> Int {
    let kib = (bytes / 1024).rounded(.up)
    return max(minimum, Int(kib) * 1024)
  }

  /// Formats bytes exactly, in the largest binary unit that needs at most two decimals
  /// (`50G`, `1.5T`, `65537K`); plain bytes when no unit fits.
  package static func formatExact(_ bytes: Int) -> String {
    for (names, factor) in units.reversed() where names[0] != "" {
      let f = Int(factor)
      guard bytes >= f else { continue }
      if bytes % f == 0 { return "\(bytes / f)\(names[0].uppercased())" }
      // `bytes * 100` overflows for sizes above 92 PiB (found by fuzzing: "45035996273.7G").
      let (hundred, overflow) = bytes.multipliedReportingOverflow(by: 100)
      if !overflow, hundred % f == 0 {
        var s = String(format: "%.2f", Double(bytes) / factor)
        while s.hasSuffix("0") { s.removeLast() }
        return s + names[0].uppercased()
      }
    }
    return "\(bytes)"
  }

  /// Formats bytes in the largest binary unit, rounded to two decimals: `50G`, `1.5T`.
  public static func format(_ bytes: Int) -> String {
    for (names, factor) in units.reversed() where names[0] != "" {
      let v = Double(bytes) / factor
      if v >= 1 {
        let r = (v * 100).rounded() / 100
        var s = String(format: "%.2f", r)
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s + names[0].uppercased()
      }
    }
    return "\(bytes)B"
  }
}

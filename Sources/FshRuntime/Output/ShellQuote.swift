/// Quotes for POSIX sh: bare when safe, else single quotes.
package func shellQuote(_ s: String) -> String {
  let safe = s.allSatisfy {
    $0.isASCII && ($0.isLetter || $0.isNumber || "/._-:=,@%+".contains($0))
  }
  if safe && !s.isEmpty { return s }
  return "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
}

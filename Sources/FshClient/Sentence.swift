import Foundation
import FshModel

/// "Dataset not found." → "dataset not found"; leaves acronyms ("X-…", "JSON") alone.
package func sentence(_ text: String) -> String {
  var s = text.trimmingCharacters(in: .whitespacesAndNewlines)
    .replacingOccurrences(of: "\n", with: " ")
  if s.hasSuffix(".") { s.removeLast() }
  let chars = Array(s)
  if chars.count >= 2, chars[0].isUppercase, chars[1].isLowercase {
    s = chars[0].lowercased() + String(chars.dropFirst())
  }
  return s
}

/// Makes text that came from outside (dataset names and metadata from the control service,
/// server error descriptions, header values) harmless to print on a terminal.
///
/// A control service can put any character into a dataset name or metadata value. Printed as
/// is, an escape sequence could recolour or clear the screen, move the cursor, set the window
/// title, write to the clipboard (OSC 52) or hide text; a carriage return or bidi override could
/// make one name look like another. Every such character is shown as a visible escape instead:
/// `\u{1B}`, `\r`, `\u{202E}`. JSON output escapes them the JSON way (`\u001b`).
package enum TerminalText {
  /// Whether a scalar must not reach a terminal raw: C0 controls, DEL, C1 controls (U+0080–
  /// U+009F, which some terminals treat as CSI/OSC), line and paragraph separators, and the
  /// bidi embedding, override and isolate controls.
  package static func isUnsafe(_ u: Unicode.Scalar) -> Bool {
    switch u.value {
    case 0x00...0x1F, 0x7F...0x9F: return true
    case 0x2028, 0x2029: return true
    case 0x202A...0x202E, 0x2066...0x2069, 0x200E, 0x200F, 0x061C: return true
    default: return false
    }
  }

  /// The text with every unsafe scalar written as a visible escape. `keepNewlines` keeps `\n`
  /// (and `\t`) for multi-line text that fsh itself laid out.
  package static func safe(_ text: String, keepNewlines: Bool = false) -> String {
    guard text.unicodeScalars.contains(where: isUnsafe) else { return text }
    var out = String.UnicodeScalarView()
    for u in text.unicodeScalars {
      if !isUnsafe(u) || (keepNewlines && (u == "\n" || u == "\t")) {
        out.append(u)
        continue
      }
      let escaped: String
      switch u {
      case "\n": escaped = "\\n"
      case "\r": escaped = "\\r"
      case "\t": escaped = "\\t"
      default: escaped = "\\u{" + String(u.value, radix: 16, uppercase: true) + "}"
      }
      out.append(contentsOf: escaped.unicodeScalars)
    }
    return String(out)
  }
}

/// How many terminal columns text takes: East Asian wide characters and emoji take two,
/// combining marks and other zero-width characters none, everything else one.
///
/// Tables and carets are aligned with this, not with `String.count`: `数据卷` is three
/// Characters but six columns. ASCII text (almost every table) takes a fast path.
package enum DisplayWidth {
  /// The columns `text` takes on a terminal (after `TerminalText.safe`).
  package static func of(_ text: String) -> Int {
    var ascii = true
    for b in text.utf8 where b >= 0x80 {
      ascii = false
      break
    }
    if ascii { return text.utf8.count }
    var total = 0
    for c in text { total += of(c) }
    return total
  }

  /// The columns one Character (grapheme cluster) takes: its widest scalar, at most two; a
  /// cluster with the emoji presentation selector (U+FE0F) takes two.
  package static func of(_ c: Character) -> Int {
    var widest = 0
    for u in c.unicodeScalars {
      if u.value == 0xFE0F { return 2 }
      widest = max(widest, of(u))
    }
    return min(widest, 2)
  }

  /// The columns of one scalar when it stands alone (wcwidth's rules, without locale).
  package static func of(_ u: Unicode.Scalar) -> Int {
    let v = u.value
    if v < 0x7F { return v < 0x20 ? 0 : 1 }
    // CJK ideographs and Hangul syllables are letters all (no mark, no format), all wide:
    // known without the category lookup, which was most of a wide-named table's time. The
    // same as `rule` for every scalar (a test goes through them all).
    if (0x4E00...0x9FFF).contains(v) || (0xAC00...0xD7A3).contains(v)
      || (0x3400...0x4DBF).contains(v)
    {
      return 2
    }
    return rule(u)
  }

  /// `of`, by the rules alone.
  static func rule(_ u: Unicode.Scalar) -> Int {
    let v = u.value
    if v < 0x7F { return v < 0x20 ? 0 : 1 }
    if v == 0x200B || v == 0x200C || v == 0x200D || v == 0x2060 || v == 0xFEFF { return 0 }
    if (0x1160...0x11FF).contains(v) { return 0 }  // Hangul medial vowels, final consonants
    switch u.properties.generalCategory {
    case .nonspacingMark, .enclosingMark, .format: return 0
    default: break
    }
    if isWide(v) || u.properties.isEmojiPresentation { return 2 }
    return 1
  }

  /// East Asian Wide and Fullwidth ranges (Unicode's EastAsianWidth.txt, W and F).
  package static func isWide(_ v: UInt32) -> Bool {
    switch v {
    case 0x1100...0x115F, 0x231A...0x231B, 0x2329...0x232A, 0x2E80...0x303E, 0x3041...0x33FF,
      0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF, 0xA960...0xA97F, 0xAC00...0xD7A3,
      0xF900...0xFAFF, 0xFE10...0xFE19, 0xFE30...0xFE6F, 0xFF00...0xFF60, 0xFFE0...0xFFE6,
      0x16FE0...0x18AFF, 0x1B000...0x1B2FF, 0x1F1E6...0x1F1FF, 0x1F300...0x1F64F,
      0x1F900...0x1F9FF, 0x20000...0x2FFFD, 0x30000...0x3FFFD:
      return true
    default:
      return false
    }
  }

  /// The longest prefix of `text` that fits in `columns`.
  package static func prefix(_ text: String, columns: Int) -> String {
    var used = 0
    var out = ""
    for c in text {
      let w = of(c)
      if used + w > columns { break }
      used += w
      out.append(c)
    }
    return out
  }
}

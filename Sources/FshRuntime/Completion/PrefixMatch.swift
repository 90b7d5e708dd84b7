extension Completion {
  /// `word.hasPrefix(prefix)`, comparing bytes where that gives the same answer: completing
  /// over 100 000 dataset names spent most of its time in `String.hasPrefix`. An ASCII prefix
  /// is compared byte for byte; the answer is decided by bytes when the first differing byte is
  /// ASCII (no character of `word` can then equal the prefix's), or when the prefix's bytes
  /// all match and the next byte starts a new character (ASCII, and not the `\n` of a `\r\n`).
  /// Anything else (a non-ASCII byte where it matters) asks `String.hasPrefix`.
  package static func hasPrefix(_ word: String, _ prefix: [UInt8]?, _ prefixText: String) -> Bool {
    guard let prefix else { return word.hasPrefix(prefixText) }
    let answer: Bool?? = word.utf8.withContiguousStorageIfAvailable { w in
      let n = prefix.count
      var k = 0
      while k < n {
        guard k < w.count else { return false }
        let b = w[k]
        if b != prefix[k] { return b < 0x80 ? false : nil }
        k += 1
      }
      guard n < w.count else { return true }
      let next = w[n]
      if next >= 0x80 || (n > 0 && prefix[n - 1] == 0x0D && next == 0x0A) { return nil }
      return true
    }
    return (answer ?? nil) ?? word.hasPrefix(prefixText)
  }

  /// The prefix's bytes when all are ASCII (see `hasPrefix`), else nil.
  package static func asciiBytes(_ prefix: String) -> [UInt8]? {
    let bytes = Array(prefix.utf8)
    return bytes.allSatisfy { $0 < 0x80 } ? bytes : nil
  }
}

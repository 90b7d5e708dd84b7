// Strings read into a caller's byte buffer and integers read without text: a listing of
// 100 000 datasets holds a million strings, and a `String` each (with the allocation and the
// release that go with it) was most of what decoding cost. FshClient's compact listing keeps
// the bytes in one buffer and makes a `String` only for what a script asks for.

/// Where a decoded string's bytes sit in a buffer.
package struct ByteSpan: Sendable, Equatable {
  package var start: UInt32
  /// -1 for no string (`none`).
  package var count: Int32

  package init(start: UInt32, count: Int32) {
    self.start = start
    self.count = count
  }

  package static let none = ByteSpan(start: 0, count: -1)
  @inlinable package var isNone: Bool { count < 0 }
  @inlinable package var range: Range<Int> { Int(start)..<(Int(start) + Int(max(count, 0))) }
}

/// What a decoded string's bytes hold.
package struct SpanText: OptionSet, Sendable {
  package let rawValue: UInt8
  package init(rawValue: UInt8) { self.rawValue = rawValue }
  /// Every byte below 0x80 (so the text is its own NFC form: compared and hashed as bytes).
  package static let ascii = SpanText(rawValue: 1)
  /// Every byte printable ASCII (0x20…0x7E): nothing to escape, one column a byte.
  package static let plain = SpanText(rawValue: 2)
  /// No `"` and no `\` (a JSON writer copies it between quotes as it is).
  package static let bare = SpanText(rawValue: 4)

  package static func of(_ bytes: ArraySlice<UInt8>) -> SpanText {
    var high: UInt8 = 0
    var control = false
    var quoted = false
    for b in bytes {
      high |= b
      if b < 0x20 || b == 0x7F { control = true }
      if b == 0x22 || b == 0x5C { quoted = true }
    }
    if high >= 0x80 { return [] }
    let bare: SpanText = quoted ? [] : .bare
    return control ? [.ascii, bare] : [.ascii, .plain, bare]
  }
}

extension JSONParser {
  /// A string, decoded as `parseString` decodes it (escapes resolved, invalid UTF-8 replaced),
  /// appended to `out`; `key` names it when it is not a string.
  package mutating func appendString(
    _ key: @autoclosure () -> String, to out: inout [UInt8]
  ) throws -> (ByteSpan, SpanText) {
    skipSpace()
    guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else {
      throw Failure(message: "'\(key())' is not a string", offset: i)
    }
    guard out.count < Int(Int32.max) else {
      throw Failure(message: "listing too large to hold", offset: i)
    }
    let from = out.count
    let start = i + 1
    // One pass: where the string ends (-1: an escape or a control byte first), the OR of its
    // bytes (0x80 set: not ASCII) and whether it holds DEL.
    let (end, high, del): (Int, UInt8, Bool) = bytes.withUnsafeBufferPointer { p in
      var j = start
      var high: UInt8 = 0
      var del = false
      while true {
        j = Self.plainRun(p, from: j)
        guard j < p.count else { return (-1, high, del) }
        let b = p[j]
        if b == UInt8(ascii: "\"") { return (j, high, del) }
        if b == UInt8(ascii: "\\") || b < 0x20 { return (-1, high, del) }
        high |= b  // DEL or above: the string goes on
        if b == 0x7F { del = true }
        j += 1
      }
    }
    let text: SpanText
    if end >= 0 && high < 0x80 {
      out.append(contentsOf: bytes[start..<end])
      i = end + 1
      // (No escape, so no `"` and no `\`.)
      text = del ? [.ascii, .bare] : [.ascii, .plain, .bare]
    } else if end >= 0 {
      // Not ASCII: validated (and repaired) exactly as `String(decoding:as:)` does.
      let s = bytes.withUnsafeBufferPointer {
        String(decoding: UnsafeBufferPointer(rebasing: $0[start..<end]), as: UTF8.self)
      }
      out.append(contentsOf: s.utf8)
      i = end + 1
      text = []
    } else {
      let s = try parseString()
      out.append(contentsOf: s.utf8)
      text = SpanText.of(out[from...])
    }
    return (ByteSpan(start: UInt32(from), count: Int32(out.count - from)), text)
  }

  /// Where the run of printable ASCII bytes other than `"` and `\` that starts at `from` ends:
  /// the first `"`, `\`, control byte, DEL or byte above (or the end). Eight bytes at a time
  /// (ids and paths are most of a listing's bytes), the last few one by one.
  @inlinable package static func plainRun(_ p: UnsafeBufferPointer<UInt8>, from: Int) -> Int {
    var j = from
    if let base = p.baseAddress {
      let ones: UInt64 = 0x0101_0101_0101_0101
      let highs: UInt64 = 0x8080_8080_8080_8080
      let raw = UnsafeRawPointer(base)
      while j + 8 <= p.count {
        let w = raw.loadUnaligned(fromByteOffset: j, as: UInt64.self)
        let q = w ^ (ones &* 0x22)
        let b = w ^ (ones &* 0x5C)
        // A byte below 0x20, or 0x7F and above (w + 0x01 a byte sets the high bit from 0x7F;
        // a carry can only add a false alarm, which the byte loop settles).
        let low = (w &- ones &* 0x20) & ~w
        let high = w | (w &+ ones)
        if (((q &- ones) & ~q) | ((b &- ones) & ~b) | low | high) & highs != 0 { break }
        j += 8
      }
    }
    while j < p.count {
      let c = p[j]
      if c == UInt8(ascii: "\"") || c == UInt8(ascii: "\\") || c < 0x20 || c >= 0x7F { return j }
      j += 1
    }
    return j
  }

  /// `size(key)`, reading a plain integer of up to 18 digits without making its text; anything
  /// else (null, a sign, a fraction, an exponent, a longer number) goes through `size`.
  @inlinable package mutating func quickSize(_ key: String) throws -> Int? {
    skipSpace()
    let start = i
    let found = bytes.withUnsafeBufferPointer { Self.plainInteger($0, at: start) }
    guard let (value, end) = found else { return try size(key) }
    i = end
    return value
  }

  /// A plain integer at `start`: 1 to 18 digits followed by a byte that cannot continue a
  /// number (at the buffer's end, more may come: nil); its value and where it ends.
  @inlinable package static func plainInteger(
    _ p: UnsafeBufferPointer<UInt8>, at start: Int
  ) -> (Int, Int)? {
    var j = start
    var v = 0
    while j < p.count && j - start < 18 {
      let d = p[j] &- UInt8(ascii: "0")
      guard d < 10 else { break }
      v = v &* 10 &+ Int(d)
      j += 1
    }
    guard j > start, j < p.count else { return nil }
    switch p[j] {
    case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "e"),
      UInt8(ascii: "E"), UInt8(ascii: "+"), UInt8(ascii: "-"):
      return nil
    default: return (v, j)
    }
  }

}

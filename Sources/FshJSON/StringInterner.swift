import Foundation

/// Node ids repeat on every dataset of a listing: the first few distinct ones are kept and
/// handed out again, so 100 000 datasets on 10 nodes hold 10 node-id strings, not 100 000
/// (16 MB less at the peak of a listing, and as many allocations and frees fewer).
package final class StringInterner {
  private var entries: [(bytes: [UInt8], string: String)] = []
  /// Past this many distinct strings, new ones are made as usual (a scan must stay short).
  static let limit = 16

  package init() {}

  package func string(_ p: UnsafeBufferPointer<UInt8>) -> String {
    for e in entries where e.bytes.count == p.count {
      let same = e.bytes.withUnsafeBufferPointer {
        memcmp($0.baseAddress!, p.baseAddress!, p.count) == 0
      }
      if same { return e.string }
    }
    let s = String(decoding: p, as: UTF8.self)
    if entries.count < Self.limit { entries.append((Array(p), s)) }
    return s
  }
}

extension JSONParser {
  /// `optionalString`, through the interner (when there is one) if it has no escapes.
  package mutating func optionalInternedString(_ key: String) throws -> String? {
    guard let interner else { return try optionalString(key) }
    if isNull() { return nil }
    guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { return try string(key) }
    let start = i + 1
    let end: Int = bytes.withUnsafeBufferPointer { p in
      var j = start
      while j < p.count {
        let b = p[j]
        if b == UInt8(ascii: "\"") { return j }
        if b == UInt8(ascii: "\\") || b < 0x20 { return -1 }
        j += 1
      }
      return -1
    }
    guard end > start else { return try string(key) }
    i = end + 1
    return bytes.withUnsafeBufferPointer {
      interner.string(UnsafeBufferPointer(rebasing: $0[start..<end]))
    }
  }
}

import FshModel

// The eight-character id fsh shows and completes: `1a2b3c4d` for a dataset or a node.

extension ClusterView {
  /// `String(id.prefix(8))` without walking graphemes when it need not: eight printable ASCII
  /// bytes followed by an ASCII byte (or nothing) are exactly the first eight characters.
  package static func shortID(_ s: String) -> String {
    let fast: String?? = s.utf8.withContiguousStorageIfAvailable { p in
      guard p.count > 8 else { return p.allSatisfy { $0 >= 0x20 && $0 <= 0x7E } ? s : nil }
      guard p[8] < 0x80, p[0..<8].allSatisfy({ $0 >= 0x20 && $0 <= 0x7E }) else { return nil }
      return String(decoding: UnsafeBufferPointer(rebasing: p[0..<8]), as: UTF8.self)
    }
    return (fast ?? nil) ?? String(s.prefix(8))
  }
}

/// Object keys a model reads, matched as bytes (see `JSONParser.object(keys:_:)`).
package struct JSONKeys: Sendable {
  package let names: [String]
  /// The keys' bytes, one after the other; key `n` is `bytes[starts[n]..<starts[n + 1]]`.
  private let bytes: [UInt8]
  private let starts: [Int]

  package init(_ names: [String]) {
    self.names = names
    var bytes: [UInt8] = []
    var starts = [0]
    for n in names {
      bytes.append(contentsOf: n.utf8)
      starts.append(bytes.count)
    }
    self.bytes = bytes
    self.starts = starts
  }

  /// The position of `key` in `names`, nil for another key. Keys are a few bytes: compared in
  /// place (a `memcmp` call a key cost more than the comparison).
  package func index(of key: UnsafeBufferPointer<UInt8>) -> Int? {
    bytes.withUnsafeBufferPointer { b in
      starts.withUnsafeBufferPointer { s in
        var n = 0
        while n + 1 < s.count {
          let from = s[n]
          if s[n + 1] - from == key.count {
            var k = 0
            while k < key.count && b[from + k] == key[k] { k += 1 }
            if k == key.count { return n }
          }
          n += 1
        }
        return nil
      }
    }
  }
}

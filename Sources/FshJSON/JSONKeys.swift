import Foundation

/// Object keys a model reads, matched as bytes (see `JSONParser.object(keys:_:)`).
package struct JSONKeys: Sendable {
  package let names: [String]
  private let bytes: [[UInt8]]

  package init(_ names: [String]) {
    self.names = names
    bytes = names.map { Array($0.utf8) }
  }

  package func index(of key: UnsafeBufferPointer<UInt8>) -> Int? {
    for (n, k) in bytes.enumerated() where k.count == key.count {
      if k.withUnsafeBufferPointer({ memcmp($0.baseAddress!, key.baseAddress!, key.count) == 0 }) {
        return n
      }
    }
    return nil
  }
}

import FshFiles
import FshJSON

#if canImport(Glibc)
  import Glibc
#endif

/// One end of the line protocol: JSON values written and read a line at a time over a pipe.
public final class LinePipe {
  public let readFD: Int32
  public let writeFD: Int32
  private var buffer: [UInt8] = []

  public init(readFD: Int32, writeFD: Int32) {
    self.readFD = readFD
    self.writeFD = writeFD
  }

  /// The next line without its newline; nil at end of file (or a read error) before one ends.
  public func readLine() -> [UInt8]? {
    while true {
      if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
        let line = Array(buffer[..<newline])
        buffer.removeSubrange(...newline)
        return line
      }
      var chunk = [UInt8](repeating: 0, count: 65536)
      let n = chunk.withUnsafeMutableBytes { read(readFD, $0.baseAddress, $0.count) }
      if n < 0 && errno == EINTR { continue }
      guard n > 0 else { return nil }
      buffer += chunk[..<n]
    }
  }

  /// Reads one line as a `T`; nil at end of file. Throws when the line is not a `T`.
  package func receive<T: PipeMessage>(_ type: T.Type) throws -> T? {
    guard let line = readLine() else { return nil }
    return try JSONParser.decode(T.self, from: line)
  }

  /// Writes `value` as one line; false when the other end is gone.
  @discardableResult
  package func send<T: PipeMessage>(_ value: T) -> Bool {
    var bytes = value.jsonText.bytes
    bytes.append(UInt8(ascii: "\n"))
    // A write to a pipe whose reader is gone raises SIGPIPE, which would end fsh (whose own
    // output keeps the default disposition): PipeWrite blocks it in this thread meanwhile.
    return PipeWrite.all(bytes, to: writeFD)
  }
}

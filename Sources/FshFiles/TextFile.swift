#if canImport(Glibc)
  import Glibc
#endif

/// Reading small files with open(2) and read(2), without Foundation.
public enum TextFile {
  /// A read(2) that failed: its errno.
  public struct ReadError: Error, Sendable {
    public var code: Int32
  }

  /// The bytes of an open descriptor up to its end (EINTR retried), stopping once at least
  /// `limit` have been read.
  public static func bytes(from fd: Int32, limit: Int = .max) throws(ReadError) -> [UInt8] {
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 16384)
    while bytes.count < limit {
      let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
      if n < 0 && errno == EINTR { continue }
      guard n >= 0 else { throw ReadError(code: errno) }  // EISDIR, EIO, …
      if n == 0 { break }
      bytes.append(contentsOf: chunk[..<n])
    }
    return bytes
  }

  /// The file's text; nil when it does not exist, cannot be read or is not UTF-8 (as
  /// `try? String(contentsOfFile:encoding: .utf8)`, without Foundation building an error for a
  /// file that is not there: the profiles file is read at every start, and usually absent).
  public static func read(_ path: String) -> String? {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    guard let bytes = try? bytes(from: fd) else { return nil }
    return String(validating: bytes, as: UTF8.self)
  }
}

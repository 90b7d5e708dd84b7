#if canImport(Glibc)
  import Glibc
#endif

/// Reading a small text file with open(2) and read(2).
public enum TextFile {
  /// The file's text; nil when it does not exist, cannot be read or is not UTF-8 (as
  /// `try? String(contentsOfFile:encoding: .utf8)`, without Foundation building an error for a
  /// file that is not there: the profiles file is read at every start, and usually absent).
  public static func read(_ path: String) -> String? {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 16384)
    while true {
      let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
      if n < 0 && errno == EINTR { continue }
      guard n >= 0 else { return nil }  // EISDIR, EIO, …
      if n == 0 { break }
      bytes.append(contentsOf: chunk[..<n])
    }
    return String(validating: bytes, as: UTF8.self)
  }
}

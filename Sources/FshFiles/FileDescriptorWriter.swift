#if canImport(Glibc)
  import Glibc
#endif

/// The one `write(2)` loop: all of the bytes, retrying when a signal interrupts the call.
enum FileDescriptorWriter {
  static func writeAll(_ bytes: [UInt8], to fd: Int32, path: String) throws {
    var written = 0
    while written < bytes.count {
      let n = bytes[written...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
      if n < 0 && errno == EINTR { continue }
      guard n > 0 else { throw FileWriteError(path: path, code: n < 0 ? errno : EIO) }
      written += n
    }
  }
}

// A file as `certs check` and `agent check` read it: text, mode and owner, or why not.
import Foundation
import FshFiles
import FshPKI
import FshRuntime

#if canImport(Glibc)
  import Glibc
#endif

/// A file read for checking: its text and mode, or why it could not be read.
struct CheckedFile {
  enum Problem: Equatable {
    case notConfigured, missing, directory, unreadable(String)
  }
  var path: String
  var text: String?
  var mode: mode_t = 0
  var problem: Problem?

  init(_ path: String?) {
    self.path = path ?? ""
    guard let path, !path.isEmpty else {
      problem = .notConfigured
      return
    }
    var st = stat()
    guard stat(path, &st) == 0 else {
      problem = errno == ENOENT || errno == ENOTDIR ? .missing : .unreadable(Self.errorText(errno))
      return
    }
    mode = st.st_mode & 0o7777
    if (st.st_mode & S_IFMT) == S_IFDIR {
      problem = .directory
      return
    }
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else {
      problem = .unreadable(Self.errorText(errno))
      return
    }
    defer { close(fd) }
    do {
      text = String(decoding: try TextFile.bytes(from: fd, limit: 4 << 20), as: UTF8.self)
    } catch {
      problem = .unreadable(Self.errorText(error.code))
    }
  }

  static func errorText(_ code: Int32) -> String { String(cString: strerror(code)) }

  var name: String { (path as NSString).lastPathComponent }
  var modeText: String { String(format: "%04o", Int(mode)) }
}

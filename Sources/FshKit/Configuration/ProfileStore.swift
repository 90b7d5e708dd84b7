import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Reads and writes the profiles file safely: under an exclusive lock, written to a temporary
/// file and renamed over the old one, so that a crash or a second session never leaves half a file.
struct ProfileStore {
  let path: String

  /// Reads the file; a missing file is an empty one.
  func load() throws -> ProfilesFile {
    guard FileManager.default.fileExists(atPath: path) else { return ProfilesFile() }
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
      throw Diagnostic(
        "cannot read profiles file '\(path)'", code: .io, notes: ["check its permissions"])
    }
    do {
      return try ProfilesFile.parse(text)
    } catch let d as Diagnostic {
      throw Diagnostic(
        "cannot read profiles file '\(path)': \(d.message)", code: .configuration,
        notes: ["fix the file by hand; fsh does not overwrite a file it cannot read"] + d.notes)
    }
  }

  /// Applies a change under the lock and writes the result atomically.
  func update(_ change: (inout ProfilesFile) throws -> Void) throws {
    let dir = Paths.directory(of: path)
    do {
      try FileManager.default.createDirectory(
        atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    } catch {
      throw Diagnostic("cannot create '\(dir)': \(error.localizedDescription)", code: .io)
    }
    let lockPath = path + ".lock"
    let fd = open(lockPath, O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
    guard fd >= 0 else {
      throw Diagnostic("cannot lock '\(lockPath)': \(String(cString: strerror(errno)))", code: .io)
    }
    defer { close(fd) }
    guard flock(fd, LOCK_EX) == 0 else {
      throw Diagnostic("cannot lock '\(lockPath)': \(String(cString: strerror(errno)))", code: .io)
    }
    defer { flock(fd, LOCK_UN) }
    var file = try load()
    try change(&file)
    try AtomicFile.write(try file.serialized(), to: path, mode: 0o600)
  }
}

/// Writes files so that readers see the old or the new content, never a mix.
enum AtomicFile {
  static func write(_ text: String, to path: String, mode: mode_t) throws {
    let dir = Paths.directory(of: path)
    let tmp = Paths.join(
      dir, ".\(Paths.basename(path)).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp")
    let fd = open(tmp, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, mode)
    guard fd >= 0 else {
      throw Diagnostic("cannot write '\(path)': \(String(cString: strerror(errno)))", code: .io)
    }
    var ok = true
    let bytes = Array(text.utf8)
    var written = 0
    while written < bytes.count {
      let n = bytes[written...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
      if n <= 0 {
        ok = false
        break
      }
      written += n
    }
    if ok && fsync(fd) != 0 { ok = false }
    close(fd)
    guard ok, rename(tmp, path) == 0 else {
      let reason = String(cString: strerror(errno))
      unlink(tmp)
      throw Diagnostic("cannot write '\(path)': \(reason)", code: .io)
    }
  }
}

extension Paths {
  static func basename(_ path: String) -> String {
    path.split(separator: "/").last.map(String.init) ?? path
  }
}

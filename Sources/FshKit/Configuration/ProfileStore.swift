import Foundation
import FshLanguage
import FshRuntime

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
    try FileWrites.replace(try file.serialized(), at: path, mode: 0o600)
  }
}

import Foundation
import FshFiles
import Testing

@Suite("FshFiles: the one atomic and the one exclusive writer")
struct FileWriterTests {
  func directory() throws -> String {
    let d = NSTemporaryDirectory() + "fsh-files-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
    return d
  }

  func mode(_ path: String) throws -> Int {
    try (FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) ?? -1
  }

  @Test func atomicWriteReplacesAndLeavesNoTemporaryFile() throws {
    let d = try directory()
    defer { try? FileManager.default.removeItem(atPath: d) }
    let path = d + "/profiles.yml"
    try AtomicFile.write("one\n", to: path, mode: 0o600)
    try AtomicFile.write("two\n", to: path, mode: 0o600)
    #expect(try String(contentsOfFile: path, encoding: .utf8) == "two\n")
    #expect(try mode(path) == 0o600)
    #expect(try FileManager.default.contentsOfDirectory(atPath: d) == ["profiles.yml"])
  }

  @Test func atomicWriteIntoAMissingDirectoryNamesTheFile() throws {
    let path = "/nonexistent-\(UUID().uuidString)/x"
    let e = #expect(throws: FileWriteError.self) {
      try AtomicFile.write("x", to: path, mode: 0o600)
    }
    #expect(e?.path == path)
    #expect(e?.code == ENOENT)
  }

  @Test func exclusiveWriteNeverReplaces() throws {
    let d = try directory()
    defer { try? FileManager.default.removeItem(atPath: d) }
    let path = d + "/user.key"
    let bytes = [UInt8](repeating: 0x41, count: 300_000)
    try ExclusiveFile.write(bytes, to: path, mode: 0o600)
    #expect(FileManager.default.contents(atPath: path).map([UInt8].init) == bytes)
    #expect(try mode(path) == 0o600)
    let e = #expect(throws: FileWriteError.self) {
      try ExclusiveFile.write("other", to: path, mode: 0o600)
    }
    #expect(e?.fileExists == true)
    #expect(FileManager.default.contents(atPath: path)?.count == bytes.count)
  }
}

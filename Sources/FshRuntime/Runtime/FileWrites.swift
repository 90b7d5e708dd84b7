// fsh's file writes: FshFiles' one atomic and one exclusive writer, a failure as a diagnostic.
import FshFiles
import FshLanguage

#if canImport(Glibc)
  import Glibc
#endif

package enum FileWrites {
  /// Creates a new file (never replacing one) with exactly `mode`: keys, bundles, agent.yml.
  package static func create(_ bytes: [UInt8], at path: String, mode: mode_t) throws {
    do { try ExclusiveFile.write(bytes, to: path, mode: mode) } catch let e as FileWriteError {
      throw Diagnostic(e)
    }
  }

  package static func create(_ text: String, at path: String, mode: mode_t) throws {
    try create(Array(text.utf8), at: path, mode: mode)
  }

  /// Replaces a file atomically (readers see the old or the new one): profiles, the registry.
  package static func replace(_ text: String, at path: String, mode: mode_t) throws {
    do { try AtomicFile.write(text, to: path, mode: mode) } catch let e as FileWriteError {
      throw Diagnostic(e)
    }
  }
}

extension Diagnostic {
  /// A failed write as fsh says it.
  package init(_ e: FileWriteError) {
    if e.fileExists {
      self.init(
        "'\(e.path)' already exists; fsh never overwrites it", code: .io,
        notes: ["move it away or choose another path"])
    } else {
      self.init("cannot write '\(e.path)': \(e.reason)", code: .io)
    }
  }
}

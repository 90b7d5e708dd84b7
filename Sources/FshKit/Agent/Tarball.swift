import Foundation
import FshRuntime

/// A POSIX ustar archive built in memory, with the modes, owner and time each entry is given.
///
/// Written here rather than by running tar(1): the members never exist as loose files on disk
/// (the node key goes straight into a 0600 archive), the modes and the root:root owner are
/// exact whatever the umask or the tar implementation (GNU and BSD tar spell --mode and --owner
/// differently), and the output is byte-for-byte reproducible in tests.
struct Tarball {
  private(set) var bytes: [UInt8] = []
  var mtime = Int(Date().timeIntervalSince1970)

  mutating func addDirectory(_ name: String, mode: Int) {
    header(name.hasSuffix("/") ? name : name + "/", mode: mode, size: 0, type: "5")
  }

  mutating func addFile(_ name: String, contents: [UInt8], mode: Int) {
    header(name, mode: mode, size: contents.count, type: "0")
    bytes += contents
    pad()
  }

  /// The archive with its two zero end blocks, padded to a 10 KiB record as tar(1) writes it.
  var archive: [UInt8] {
    var out = bytes + [UInt8](repeating: 0, count: 1024)
    let record = 10240
    if out.count % record != 0 { out += [UInt8](repeating: 0, count: record - out.count % record) }
    return out
  }

  private mutating func pad() {
    if bytes.count % 512 != 0 { bytes += [UInt8](repeating: 0, count: 512 - bytes.count % 512) }
  }

  private mutating func header(_ name: String, mode: Int, size: Int, type: Character) {
    precondition(name.utf8.count <= 100, "tar member names are short here")
    var h = [UInt8](repeating: 0, count: 512)
    func put(_ s: String, at offset: Int, width: Int) {
      for (i, b) in s.utf8.prefix(width).enumerated() { h[offset + i] = b }
    }
    func octal(_ n: Int, at offset: Int, width: Int) {
      // width-1 zero-padded octal digits and a NUL.
      let digits = String(n, radix: 8)
      put(
        String(repeating: "0", count: max(0, width - 1 - digits.count)) + digits, at: offset,
        width: width - 1)
    }
    put(name, at: 0, width: 100)
    octal(mode, at: 100, width: 8)
    octal(0, at: 108, width: 8)  // uid root
    octal(0, at: 116, width: 8)  // gid root
    octal(size, at: 124, width: 12)
    octal(mtime, at: 136, width: 12)
    put("        ", at: 148, width: 8)  // checksum counts as spaces
    h[156] = type.asciiValue!
    put("ustar", at: 257, width: 6)
    put("00", at: 263, width: 2)
    put("root", at: 265, width: 32)
    put("root", at: 297, width: 32)
    let sum = h.reduce(0) { $0 + Int($1) }
    let digits = String(sum, radix: 8)
    put(String(repeating: "0", count: max(0, 6 - digits.count)) + digits, at: 148, width: 6)
    h[154] = 0
    h[155] = 0x20
    bytes += h
  }
}

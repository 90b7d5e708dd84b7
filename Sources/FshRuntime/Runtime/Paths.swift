/// Path helpers that do not touch the file system.
package enum Paths {
  package static func join(_ dir: String, _ name: String) -> String {
    dir.hasSuffix("/") ? dir + name : dir + "/" + name
  }

  /// Makes `path` absolute against `base`, expanding a leading `~`, and removes `.` and `..`.
  package static func absolute(_ path: String, relativeTo base: String, home: String?) -> String {
    var p = path
    if p == "~" || p.hasPrefix("~/"), let home { p = home + p.dropFirst() }
    if !p.hasPrefix("/") { p = join(base, p) }
    var parts: [Substring] = []
    for piece in p.split(separator: "/") {
      if piece == "." { continue }
      if piece == ".." {
        _ = parts.popLast()
        continue
      }
      parts.append(piece)
    }
    // Joined by hand: the generic `joined(separator:)` over substrings cost the runtime's
    // conformance lookups the first time, at every start (the resolver makes paths absolute).
    var result = ""
    for part in parts { result += "/" + part }
    return result.isEmpty ? "/" : result
  }

  package static func directory(of path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "." }
    let d = String(path[..<slash])
    return d.isEmpty ? "/" : d
  }

  package static func basename(_ path: String) -> String {
    path.split(separator: "/").last.map(String.init) ?? path
  }
}

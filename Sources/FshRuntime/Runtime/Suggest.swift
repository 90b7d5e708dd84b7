/// "Did you mean" suggestions by edit distance.
package enum Suggest {
  /// Returns the candidate closest to `word`, if it is close enough to be a likely typo.
  package static func nearest(_ word: String, in candidates: [String]) -> String? {
    let w = Array(word.lowercased())
    var best: (String, Int)? = nil
    for c in candidates {
      let d = distance(w, Array(c.lowercased()))
      if d < (best?.1 ?? Int.max) { best = (c, d) }
    }
    guard let (c, d) = best else { return nil }
    let limit = max(1, min(3, w.count / 3 + 1))
    if d <= limit { return c }
    // A prefix is a good guess too: 'data' → 'datasets'.
    if w.count >= 3, c.lowercased().hasPrefix(String(w)) { return c }
    return nil
  }

  /// Damerau–Levenshtein (optimal string alignment) distance.
  package static func distance(_ a: [Character], _ b: [Character]) -> Int {
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var d = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
    for i in 0...a.count { d[i][0] = i }
    for j in 0...b.count { d[0][j] = j }
    for i in 1...a.count {
      for j in 1...b.count {
        let cost = a[i - 1] == b[j - 1] ? 0 : 1
        d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
        if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
          d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
        }
      }
    }
    return d[a.count][b.count]
  }
}

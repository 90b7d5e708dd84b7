/// Shell-style glob matching (`*`, `?`, `[abc]`) for `=~` and name filters.
package enum Glob {
  package static func matches(_ pattern: String, _ text: String) -> Bool {
    let p = Array(pattern)
    let t = Array(text)
    var pi = 0
    var ti = 0
    var star = -1
    var mark = 0
    while ti < t.count {
      if pi < p.count, p[pi] == "[", let close = p[(pi + 1)...].firstIndex(of: "]") {
        let set = p[(pi + 1)..<close]
        if set.contains(t[ti]) {
          pi = close + 1
          ti += 1
          continue
        }
      } else if pi < p.count, p[pi] == "?" || p[pi] == t[ti] {
        pi += 1
        ti += 1
        continue
      }
      if pi < p.count, p[pi] == "*" {
        star = pi
        mark = ti
        pi += 1
      } else if star >= 0 {
        pi = star + 1
        mark += 1
        ti = mark
      } else {
        return false
      }
    }
    while pi < p.count, p[pi] == "*" { pi += 1 }
    return pi == p.count
  }
}

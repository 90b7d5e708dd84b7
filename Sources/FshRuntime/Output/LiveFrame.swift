/// The bytes that turn one frame on a terminal into the next, with the cursor kept on the line
/// below the frame: only the lines that changed are rewritten (a refresh that changes only the
/// header writes only the header); a frame of another height is rewritten from its first line,
/// and after a resize the screen is cleared and the frame drawn from the top.
package struct LiveFrame {
  package private(set) var shown: [String] = []
  private var columns = 0

  package init() {}

  /// The escape sequences and text that show `lines` in place of the frame shown before.
  package mutating func update(to lines: [String], columns: Int) -> String {
    let esc = "\u{1B}["
    var out = ""
    if shown.isEmpty {
      for line in lines { out += line + esc + "K\n" }
    } else if columns != self.columns {
      // A resize may have rewrapped the old frame: the screen is cleared and drawn from the top.
      out += esc + "H" + esc + "2J"
      for line in lines { out += line + esc + "K\n" }
    } else if shown.count != lines.count {
      // Back to the frame's first line, then everything below it rewritten.
      out += "\r" + esc + "\(shown.count)A" + esc + "J"
      for line in lines { out += line + esc + "K\n" }
    } else {
      for (i, line) in lines.enumerated() where shown[i] != line {
        let up = lines.count - i
        out += "\r" + esc + "\(up)A" + line + esc + "K" + "\r" + esc + "\(up)B"
      }
    }
    shown = lines
    self.columns = columns
    return out
  }
}

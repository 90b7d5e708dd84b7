import Foundation
import FshLanguage
import FshRuntime

/// Commands of the language itself: echo, sleep, exit, source, set, unset, history.
enum Builtins {}

extension Builtins {

  static func unknownName(_ name: CommandArgument) -> Diagnostic {
    let all = SessionOptions.descriptors.map(\.name) + ConfigKey.allCases.map(\.rawValue)
    var notes = ["known: \(all.joined(separator: ", "))"]
    if let near = Suggest.nearest(name.text, in: all) {
      notes.insert("did you mean '\(near)'?", at: 0)
    }
    return Diagnostic.usage("unknown option '\(name.text)'", notes: notes, range: name.range)
  }

}

import Foundation
import FshLanguage
import FshRuntime

struct ClusterRemoveCommand: DeclaredCommand {
  @Arg(.positional("NAME", "a profile from `clusters`", completion: .cluster))
  var name: CommandArgument
  static let help = CommandHelp(
    ["cluster", "remove"], summary: "remove a cluster profile", parameters: declared)
  func run(in context: CommandContext) throws -> CommandResult {
    let env = context.session.environment
    try ProfileStore(path: env.profilesPath).update { file in
      guard file.clusters.removeValue(forKey: name.text) != nil else {
        var notes = ["`clusters` lists the profiles"]
        if let near = Suggest.nearest(name.text, in: Array(file.clusters.keys)) {
          notes.insert("did you mean '\(near)'?", at: 0)
        }
        throw Diagnostic(
          "no cluster profile '\(name.text)'", code: .notFound, notes: notes, range: name.range)
      }
      if file.defaultCluster == name.text { file.defaultCluster = nil }
    }
    context.session.reconfigure()
    return context.inform("removed cluster '\(name.text)'")
  }
}

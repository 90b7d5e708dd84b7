import Foundation
import FshLanguage
import FshRuntime

struct UseCommand: DeclaredCommand {
  @Arg(.word("cluster", "reads well; changes nothing")) var clusterWord: Bool
  @Arg(.positional("NAME", "a profile from `clusters`", completion: .cluster))
  var name: CommandArgument
  static let help = CommandHelp(
    ["use"], summary: "switch this session to a cluster profile",
    parameters: declared,
    discussion:
      "The profile gives the whole connection: host, port, certificates, user, CA, cert and key. Clears values given with `set`; `FLOCKER_*` variables, flockerctl's files and fsh's start-up flags are ignored while a cluster is in use (`config` lists them).",
    examples: ["use cluster prod", "use staging"])
  func run(in context: CommandContext) throws -> CommandResult {
    if let copy = context.session.environment.rehearsalOf, name.text != copy {
      throw Diagnostic(
        "this is a rehearsal of cluster '\(copy)': '\(name.text)' would be a real cluster",
        code: .failed,
        notes: [
          "a rehearsal talks only to its copy of '\(copy)' (`use cluster \(copy)` stays on it)",
          "rehearse a script for '\(name.text)' on its own: fsh --cluster \(name.text) --rehearse SCRIPT",
        ], range: name.range)
    }
    let store = ProfileStore(path: context.session.environment.profilesPath)
    let file = try store.load()
    guard file.clusters[name.text] != nil else {
      var notes = [
        "`clusters` lists the profiles; `cluster add \(name.text) host HOST …` creates one"
      ]
      if let near = Suggest.nearest(name.text, in: Array(file.clusters.keys)) {
        notes.insert("did you mean '\(near)'?", at: 0)
      }
      throw Diagnostic(
        "no cluster profile '\(name.text)'", code: .notFound, notes: notes, range: name.range)
    }
    context.session.use(cluster: name.text)
    let c = context.configuration
    for key in ConfigKey.allCases {
      if let v = c.values[key], v.layer > 1, file.clusters[name.text]?[key] != nil {
        context.warn(
          "\(key.rawValue) comes from \(v.source), which overrides profile '\(name.text)'")
      }
    }
    for e in c.errors { context.warn(e.message, notes: e.notes) }
    return context.inform("using cluster '\(name.text)' (\(c.host ?? "no host"):\(c.port))")
  }
}

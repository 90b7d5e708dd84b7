import Foundation
import FshLanguage
import FshRuntime

struct ClustersCommand: DeclaredCommand {
  static let help = CommandHelp(
    ["clusters"], summary: "list the cluster profiles",
    discussion: "Profiles live in $XDG_CONFIG_HOME/fsh/clusters.yml.")
  func run(in context: CommandContext) throws -> CommandResult {
    let store = ProfileStore(path: context.session.environment.profilesPath)
    let file = try store.load()
    let current = context.configuration.cluster?.value
    let rows = file.clusters.keys.sorted().map { name -> Value in
      let p = file.clusters[name]!
      return .record(
        Record([
          ("name", .string(name)), ("host", .from(p.host)), ("port", .from(p.port)),
          ("certs", .from(p.certs)), ("user", .from(p.user)),
          ("current", .bool(name == current)), ("default", .bool(name == file.defaultCluster)),
        ]))
    }
    if rows.isEmpty {
      context.note("no cluster profiles yet; `cluster add NAME host HOST certs DIR` creates one")
    }
    @Sendable func mark(_ key: String) -> @Sendable (Value) -> String {
      { row in row[key] == .bool(true) ? "*" : "" }
    }
    return CommandResult(
      .list(rows),
      .table([
        Column("name"), Column("host"), Column("port", alignRight: true), Column("certs"),
        Column("user"), Column("current", cell: mark("current")),
        Column("default", cell: mark("default")),
      ]), emptyNote: "")
  }
}

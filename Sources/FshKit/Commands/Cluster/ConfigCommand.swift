import Foundation
import FshLanguage
import FshRuntime

struct ConfigCommand: DeclaredCommand {
  static let help = CommandHelp(
    ["config"], summary: "show every resolved setting and where it came from",
    discussion: """
      Sources, lowest precedence first: default, the cluster profile, flockerctl's files \
      (./cluster.yml, <certs>/agent.yml), the environment (Kubernetes and flockerctl \
      variables; the Kubernetes ones win when both are set), flags, and `set`. \
      A variable that is set but empty counts as unset. A cluster chosen explicitly \
      (`use cluster`, `--cluster`) takes its whole connection from its profile: the \
      environment and flockerctl's files are then ignored (after `use cluster`, fsh's own \
      start-up flags too), and each ignored setting is shown as an 'ignored' row with why. \
      A host given with --host or `set host` without a port means port 4523 (or HOST:PORT).
      """,
    examples: ["config", "config -o json"])
  func run(in context: CommandContext) throws -> CommandResult {
    let c = context.configuration
    var rows: [Value] = []
    if let cluster = c.cluster {
      rows.append(row("cluster", cluster.value, cluster.source.description))
    } else {
      rows.append(row("cluster", nil, "none selected (`use cluster NAME`)"))
    }
    for key in ConfigKey.allCases {
      if let v = c.values[key] {
        rows.append(row(key.rawValue, v.value, v.source.description))
      } else {
        rows.append(row(key.rawValue, nil, "not set"))
      }
    }
    if let copy = context.session.environment.rehearsalOf {
      rows.insert(
        row("rehearsal", copy, "a throwaway copy of cluster '\(copy)': nothing reaches it"),
        at: 0)
    }
    for (what, why) in c.ignored {
      rows.append(row("ignored", what, why))
    }
    rows.append(
      row(
        "profiles", c.profilesPath,
        FileManager.default.fileExists(atPath: c.profilesPath)
          ? "file" : "file (does not exist yet)"))
    for w in c.warnings { context.warn(w) }
    for e in c.errors {
      context.session.host?.report(e)
    }
    // The rows, then a failure (in every format): scripts must not go on with a broken
    // configuration.
    let failure = c.errors.first.map { first in
      Diagnostic(
        "the configuration has \(c.errors.count) error(s)", code: .configuration,
        notes: [first.message])
    }
    return CommandResult(.list(rows), Self.presentation, failure: failure)
  }
  static let presentation = Presentation.table([Column("key"), Column("value"), Column("source")])
  func row(_ k: String, _ v: String?, _ s: String) -> Value {
    .record(Record([("key", .string(k)), ("value", .from(v)), ("source", .string(s))]))
  }
}

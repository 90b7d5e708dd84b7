import FshClient
import FshRuntime

struct EventsCommand: DeclaredCommand {
  @Arg(
    .keyword(
      "name", "PATTERN", "datasets whose name matches a glob such as 'web-*'", completion: .dataset)
  )
  var pattern: String?
  static let help = CommandHelp(
    ["events"], summary: "list the changes of datasets this session saw",
    parameters: declared,
    discussion: """
      Every change of a dataset's status, node or path that fsh saw between two reads of the \
      cluster in this session (by `dataset`, `explain`, `wait` and `--watch`), oldest first: \
      the time of the read that saw it, the dataset, what changed, from and to, and its node. \
      These are observations, not the cluster's history: a change that came and went between \
      two reads is not seen, and a new session starts with none. `-o json` gives the same \
      objects as a watch's JSON lines. The last 10000 are kept.
      """,
    examples: ["events", "events name 'db-*'", "events -o json"])

  func run(in context: CommandContext) throws -> CommandResult {
    let events = context.session.sightings.events.filter { e in
      guard let pattern else { return true }
      return Glob.matches(pattern, e.name ?? "") || e.datasetID.hasPrefix(pattern.lowercased())
    }
    return CommandResult(
      .list(events.map(\.value)), .table(Transition.columns),
      emptyNote: pattern == nil
        ? "no changes seen yet in this session: 'datasets --watch' or 'wait' read the cluster over time"
        : "no changes seen of datasets matching '\(pattern!)'")
  }
}

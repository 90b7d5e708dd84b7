import FshLanguage

package struct HelpCommand: DeclaredCommand {
  @Arg(
    .positional(
      "COMMAND",
      "a command's words, e.g. help cluster add; or a part of the language: let, if, for, try, $error",
      completion: .command))
  package var words: [String]
  @Arg(["--markdown"], "the whole command reference as Markdown") package var markdown: Bool
  package static let help = CommandHelp(
    ["help"], summary: "list the commands, or show one command's help", parameters: declared)
  package init() {}

  package func run(in context: CommandContext) throws -> CommandResult {
    let table = context.session.commands
    if markdown { return .text(HelpFormatter.markdown(table)) }
    // Wrapped to the terminal, never narrower than 40 (not wrapped when there is none).
    let width = context.session.terminalWidth().map { max(40, $0) } ?? 10_000
    if words.isEmpty { return .text(HelpFormatter.overview(table, width: width)) }
    if words == ["language"] {
      return .text(HelpFormatter.fit(HelpFormatter.language, width: width))
    }
    if let found = table.lookup(words), found.length == words.count {
      return .text(HelpFormatter.help(for: found.command.help, width: width))
    }
    if words.count == 1, let topic = HelpFormatter.languageTopic(words[0]) {
      return .text(HelpFormatter.fit(topic, width: width))
    }
    let group = table.commands(under: words)
    if !group.isEmpty {
      var out = "COMMANDS:\n"
      for c in group { out += HelpFormatter.row(c.help.name, c.help.summary, width: width) }
      return .text(out)
    }
    var notes = ["`help` lists the commands"]
    let names = table.commands.map { $0.help.name } + table.firstWords
    if let near = Suggest.nearest(words.joined(separator: " "), in: names) {
      notes.insert("did you mean '\(near)'?", at: 0)
    }
    throw Diagnostic.usage("no command '\(words.joined(separator: " "))'", notes: notes)
  }
}

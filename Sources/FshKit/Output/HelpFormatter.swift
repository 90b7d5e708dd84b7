/// Writes help from the command table, in swift-argument-parser's layout
/// (`OVERVIEW:`, `USAGE:`, `ARGUMENTS:`, `OPTIONS:`), so `fsh --help` and `help` look alike.
public enum HelpFormatter {
  static let labelWidth = 26

  static func row(_ label: String, _ text: String) -> String {
    let l = "  " + label
    if l.count >= labelWidth {
      return l + "\n" + String(repeating: " ", count: labelWidth) + text + "\n"
    }
    return l + String(repeating: " ", count: labelWidth - l.count) + text + "\n"
  }

  /// Help for one command.
  public static func help(for command: CommandHelp) -> String {
    var out = "OVERVIEW: \(command.summary)\n\n"
    out += "USAGE: \(command.name)\(command.usage.isEmpty ? "" : " " + command.usage)\n"
    if !command.aliases.isEmpty {
      out +=
        "       (also: \(command.aliases.map { $0.joined(separator: " ") }.joined(separator: ", ")))\n"
    }
    if !command.arguments.isEmpty {
      out += "\nARGUMENTS:\n"
      for a in command.arguments { out += row("<\(a.name.lowercased())>", a.summary) }
    }
    let keywords = command.options.filter(\.isKeyword)
    if !keywords.isEmpty {
      out += "\nKEYWORDS:\n"
      for k in keywords {
        out += row(
          k.names.joined(separator: ", ") + (k.valueName.map { " <\($0.lowercased())>" } ?? ""),
          k.summary)
      }
    }
    out += "\nOPTIONS:\n"
    for o in command.options where !o.isKeyword {
      out += row(
        o.names.joined(separator: ", ") + (o.valueName.map { " <\($0.lowercased())>" } ?? ""),
        o.summary)
    }
    out += row("-o, --output <format>", "table, json or csv (this command only)")
    if let d = command.discussion { out += "\n" + wrap(d) }
    if !command.examples.isEmpty {
      out += "\nEXAMPLES:\n"
      for e in command.examples { out += "  " + e + "\n" }
    }
    return out
  }

  /// The `COMMANDS:` section: every visible command with its summary, sorted.
  public static func commandList(_ table: CommandTable) -> String {
    var out = "COMMANDS:\n"
    let visible = table.commands.filter { !$0.help.hidden }.sorted { $0.help.name < $1.help.name }
    for c in visible { out += row(c.help.name, c.help.summary) }
    return out
  }

  /// The command list, for `help` and `fsh --help`.
  public static func overview(_ table: CommandTable) -> String {
    var out = "OVERVIEW: fsh — the Flocker shell\n\n"
    out += "USAGE: COMMAND [ARGUMENT …]   (`help COMMAND` for one command)\n\n"
    out += commandList(table)
    out += "\nLANGUAGE: let, if/else, for … in, try, source; see `help language`\n"
    return out
  }

  static func wrap(_ text: String, width: Int = 78) -> String {
    var out = ""
    for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
      var line = ""
      for word in paragraph.split(separator: " ") {
        if line.count + word.count + 1 > width, !line.isEmpty {
          out += line + "\n"
          line = ""
        }
        line += (line.isEmpty ? "" : " ") + word
      }
      out += line + "\n"
    }
    return out
  }

  /// The command reference in Markdown (docs/commands.md is this, generated; a test keeps it
  /// from drifting).
  public static func markdown(_ table: CommandTable) -> String {
    var out = "# Command reference\n\n"
    out += "Generated from the command table by `fsh help --markdown`; do not edit by hand.\n"
    out += "Every command also takes `-o table|json|csv`.\n"
    let visible = table.commands.filter { !$0.help.hidden }.sorted { $0.help.name < $1.help.name }
    for c in visible {
      let h = c.help
      out +=
        "\n## \(h.name)\n\n\(h.summary).\n\n```\n\(h.name)\(h.usage.isEmpty ? "" : " " + h.usage)\n```\n"
      if !h.aliases.isEmpty {
        out +=
          "\nAlso: " + h.aliases.map { "`\($0.joined(separator: " "))`" }.joined(separator: ", ")
          + "\n"
      }
      if !h.arguments.isEmpty {
        out += "\n| argument | meaning |\n| --- | --- |\n"
        for a in h.arguments { out += "| `\(a.name)` | \(a.summary) |\n" }
      }
      if !h.options.isEmpty {
        out += "\n| option or keyword | meaning |\n| --- | --- |\n"
        for o in h.options {
          let names = o.names.joined(separator: ", ") + (o.valueName.map { " \($0)" } ?? "")
          out += "| `\(names)` | \(o.summary) |\n"
        }
      }
      if let d = h.discussion { out += "\n" + d + "\n" }
      if !h.examples.isEmpty {
        out += "\nExamples:\n\n```\n" + h.examples.joined(separator: "\n") + "\n```\n"
      }
    }
    return out
  }

  /// A short guide to the language, for `help language`.
  public static let language = """
    THE FSH LANGUAGE (full reference: docs/language.md)

      # comment            'single quotes'    "double $interpolated ${name}"
      a; b                 one command per line or separated by ';'; '\\' continues a line
      let ds = create web 10G on 265a0498      capture a command's structured result
      echo $ds.dataset_id $ds.status          read its fields
      for d in (datasets status pending) { echo $d.name }
      if $ds.status == attached { echo ok } else { echo "not yet" }
      if dataset web-data { echo exists } else { echo $error.message }
      if try destroy old --yes { echo gone }   'try' is optional before a command
      try move db to node2                     a failure does not stop the script
      source setup.fsh     $1 $2 … $@ $#        script arguments
      exit 3

    A failing command stops a script with file:line:col, the line and a caret, and a
    non-zero exit status. `set stop-on-error off` keeps going; `try` covers one command.
    """
}

extension Builtins {
  struct Help: Command {
    static let help = CommandHelp(
      ["help"], summary: "list the commands, or show one command's help",
      usage: "[COMMAND …] [--markdown]",
      arguments: [
        ParameterHelp(
          "COMMAND", "a command's words, e.g. help cluster add", completion: .command,
          optional: true)
      ],
      options: [OptionHelp(["--markdown"], nil, "the whole command reference as Markdown")])
    var words: [String]
    var markdown: Bool
    init(arguments: inout Arguments) throws {
      markdown = arguments.flag("--markdown")
      words = try arguments.rest().map(\.text)
    }
    func run(in context: CommandContext) throws -> CommandResult {
      let table = context.session.commands
      if markdown { return .text(HelpFormatter.markdown(table)) }
      if words.isEmpty { return .text(HelpFormatter.overview(table)) }
      if words == ["language"] { return .text(HelpFormatter.language) }
      if let found = table.lookup(words), found.length == words.count {
        return .text(HelpFormatter.help(for: found.command.help))
      }
      let group = table.commands(under: words)
      if !group.isEmpty {
        var out = "COMMANDS:\n"
        for c in group { out += HelpFormatter.row(c.help.name, c.help.summary) }
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
}

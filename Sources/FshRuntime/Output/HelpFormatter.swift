/// Writes help from the command table, in swift-argument-parser's layout
/// (`OVERVIEW:`, `USAGE:`, `ARGUMENTS:`, `OPTIONS:`), so `fsh --help` and `help` look alike.
package enum HelpFormatter {
  package static let labelWidth = 26

  package static func row(_ label: String, _ text: String, width: Int = 80) -> String {
    let l = "  " + label
    let body = hang(text, width: width, indent: labelWidth)
    if l.count >= labelWidth {
      return l + "\n" + String(repeating: " ", count: labelWidth) + body + "\n"
    }
    return l + String(repeating: " ", count: labelWidth - l.count) + body + "\n"
  }

  /// Wraps `text` at word boundaries for a line that starts at column `indent`: lines are at
  /// most `width` columns (a word longer than the room stays whole, never cut), and every line
  /// after the first starts with `indent` spaces.
  package static func hang(_ text: String, width: Int, indent: Int) -> String {
    let room = max(20, width - indent)
    var lines: [String] = []
    var line = ""
    for word in text.split(separator: " ", omittingEmptySubsequences: false) {
      if !line.isEmpty, line.count + 1 + word.count > room {
        lines.append(line)
        line = String(word)
      } else {
        line += (line.isEmpty ? "" : " ") + word
      }
    }
    lines.append(line)
    return lines.joined(separator: "\n" + String(repeating: " ", count: indent))
  }

  /// Fits laid-out text (the language help) to `width` columns: a line that is too wide wraps
  /// at word boundaries, under its description column when it has one (text after a run of
  /// two or more spaces), else under its own indentation plus two.
  package static func fit(_ text: String, width: Int) -> String {
    var out: [String] = []
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
      let l = String(line)
      guard l.count > width else {
        out.append(l)
        continue
      }
      let chars = Array(l)
      let lead = chars.prefix { $0 == " " }.count
      var column: Int? = nil
      var i = lead
      while i < chars.count - 1 {
        if chars[i] == " " && chars[i + 1] == " " {
          var j = i
          while j < chars.count && chars[j] == " " { j += 1 }
          if j < chars.count && j <= width - 20 { column = j }
          i = j
        } else {
          i += 1
        }
      }
      if let column {
        out.append(
          String(chars[..<column]) + hang(String(chars[column...]), width: width, indent: column))
      } else {
        out.append(
          String(chars[..<lead])
            + hang(String(chars[lead...]), width: width, indent: min(lead + 2, width / 2)))
      }
    }
    return out.joined(separator: "\n")
  }

  /// Help for one command, wrapped to `width` columns.
  package static func help(for command: CommandHelp, width: Int = 80) -> String {
    func row(_ label: String, _ text: String) -> String {
      HelpFormatter.row(label, text, width: width)
    }
    var out = "OVERVIEW: " + hang(command.summary, width: width, indent: 10) + "\n\n"
    out += "USAGE: " + hang(command.usageLine, width: width, indent: 7) + "\n"
    if !command.aliases.isEmpty {
      out +=
        "       (also: \(command.aliases.map { $0.joined(separator: " ") }.joined(separator: ", ")))\n"
    }
    if !command.arguments.isEmpty {
      out += "\nARGUMENTS:\n"
      for a in command.arguments { out += row(a.helpLabel, a.summary) }
    }
    let keywords = command.options.filter { $0.kind == .keyword || $0.kind == .word }
    if !keywords.isEmpty {
      out += "\nKEYWORDS:\n"
      for k in keywords { out += row(k.helpLabel, k.summary) }
    }
    out += "\nOPTIONS:\n"
    for o in command.options + GlobalOptions.all where o.kind == .flag || o.kind == .option {
      out += row(o.helpLabel, o.summary)
    }
    if let d = command.discussion { out += "\n" + wrap(d, width: min(78, width - 2)) }
    if !command.examples.isEmpty {
      out += "\nEXAMPLES:\n"
      for e in command.examples { out += "  " + e + "\n" }
    }
    return out
  }

  /// The `COMMANDS:` section: every visible command with its summary, sorted.
  package static func commandList(_ table: CommandTable, width: Int = 80) -> String {
    var out = "COMMANDS:\n"
    let visible = table.commands.filter { !$0.help.hidden }.sorted { $0.help.name < $1.help.name }
    for c in visible { out += row(c.help.name, c.help.summary, width: width) }
    return out
  }

  /// The command list, for `help` and `fsh --help`.
  package static func overview(_ table: CommandTable, width: Int = 80) -> String {
    var out = "OVERVIEW: fsh — the Flocker shell\n\n"
    out += "USAGE: COMMAND [ARGUMENT …]   (`help COMMAND` for one command)\n\n"
    out += commandList(table, width: width)
    out += "\nLANGUAGE: let, if/else, for … in, try, source; see `help language`\n"
    return out
  }

  package static func wrap(_ text: String, width: Int = 78) -> String {
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
  package static func markdown(_ table: CommandTable) -> String {
    var out = "# Command reference\n\n"
    out += "Generated from the command table by `fsh help --markdown`; do not edit by hand.\n"
    let global = GlobalOptions.all.map {
      "`\($0.names.joined(separator: ", "))\($0.valueName.map { " " + $0 } ?? "")`: \($0.summary)"
    }
    out += "Every command also takes \(global.joined(separator: "; ")).\n"
    let visible = table.commands.filter { !$0.help.hidden }.sorted { $0.help.name < $1.help.name }
    for c in visible {
      let h = c.help
      out += "\n## \(h.name)\n\n\(h.summary).\n\n```\n\(h.usageLine)\n```\n"
      if !h.aliases.isEmpty {
        out +=
          "\nAlso: " + h.aliases.map { "`\($0.joined(separator: " "))`" }.joined(separator: ", ")
          + "\n"
      }
      if !h.arguments.isEmpty {
        out += "\n| argument | meaning |\n| --- | --- |\n"
        for a in h.arguments { out += "| `\(a.key)` | \(a.summary) |\n" }
      }
      if !h.options.isEmpty {
        out += "\n| option or keyword | meaning |\n| --- | --- |\n"
        for o in h.options {
          let value = o.valueName.map { o.valueIsOptional ? " [\($0)]" : " \($0)" }
          let names = o.names.joined(separator: ", ") + (value ?? "")
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
  package static let language = """
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
      let d = try dataset web                  the result, or null and $error set
      for … { if $x { break } else { continue } }   leave a loop, or go on with the next
      while $n < 3 { let n = $n + 1 }          a loop while a condition holds
      let total = $total + $d.size             + - * / on whole numbers and sizes
      datasets -o json | jq '.[].name'         the output through system commands
      source setup.fsh a b $1 $2 … $@ $#        script arguments
      exit 3

    `help let`, `help if`, `help for`, `help while`, `help try`, `help $error`,
    `help arithmetic` and `help pipe` show each part.

    A failing command stops a script with file:line:col, the line and a caret, and a
    non-zero exit status. `set stop-on-error off` keeps going; `try` covers one command.
    """
}

extension HelpFormatter {
  /// The parts of the language people look up by their keyword: `help if`, `help let`.
  /// Each topic answers to several words; `help language` shows the summary of them all.
  package static let languageTopics: [(words: [String], text: String)] = [
    (
      ["let", "variables", "variable", "$", "$?"],
      """
      VARIABLES (docs/language.md, Variables)

        let app = web                        a word
        let name = "$app-data"               interpolation ("…" only; '…' is literal)
        let ds = create $name 10G on 10.0.0.1   a command's structured result
        echo $ds.dataset_id $ds.metadata     fields of a record
        let all = datasets; echo $all.count $all.0.name

        An undefined variable is an error, never an empty string. $HOME and other
        environment variables are read when no fsh variable has the name.
        $1 … $9, $@, $#, $0: script arguments (`fsh s.fsh A B`, `source s.fsh A B`).
        $? is 0 or 1 after each command; $error describes the last failure (`help $error`).
      """
    ),
    (
      ["if", "else", "conditions", "condition", "compare", "comparison"],
      """
      CONDITIONALS (docs/language.md, Statements)

        if CONDITION { … } else if CONDITION { … } else { … }

        if $x { }                 the value is not empty, 0, false, null or an empty list
        A == B, A != B            equal / different (a size such as 1G by value)
        A < B, <=, >, >=          numbers and sizes compare by value ($d.size >= 1G is
                                  bytes against 1073741824); text with text in text order;
                                  a number against a non-number is an error
        A =~ 'glob*', A !~ 'x*'   A matches / does not match a glob (*, ?, [abc])
        try COMMAND …             the command succeeds (its error goes to $error)
        not C, ! C, C and C, C or C

        `{` goes on the line of `if` or `else`; `else` goes on the line of the `}` before it.

        if $ds.status == attached { echo ok } else { echo "not yet" }
      """
    ),
    (
      ["for", "while", "loop", "loops", "in", "break", "continue"],
      """
      LOOPS (docs/language.md, Loops)

        for NAME in WORD … { … }   each word; a list value is visited element by element
        while CONDITION { … }      as long as the condition holds (conditions as in `if`)
        break                      leaves the innermost loop
        continue                   goes on with its next element (or test)

        for d in (datasets status pending) { echo "$d.name is pending on $d.host" }
        let n = 0
        while not try dataset web { let n = $n + 1; if $n == 5 { break }; sleep 2s }
      """
    ),
    (
      ["try", "error", "$error", "errors", "stop-on-error"],
      """
      ERRORS (docs/language.md, Errors)

        A failing command stops a script with file:line:col, the line, a caret and the fix,
        and a non-zero exit status. At the prompt an error never ends the session.

        try COMMAND …              a failure is recorded instead of stopping the script
        let x = try COMMAND …      keeps the result, or null when it fails
        if try COMMAND … { … }     branch on success
        set stop-on-error off      keep going after every failure (the script exits 1)

        $? is 0 after a success and 1 after a failure. $error describes the last failure
        (at the prompt too): $error.message, $error.code, $error.line, $error.column,
        $error.notes.

        if try destroy old --yes { echo gone } else { echo $error.message }
      """
    ),
    (
      ["arithmetic", "math", "sum"],
      """
      ARITHMETIC (docs/language.md, Arithmetic)

        let n = $n + 1             + - * / on whole numbers; * and / before + and -
        let total = $total + $d.size   a sum with a size is a size (shown as 12G)
        echo (($a + 1) * 2)        ( … ) groups; 7 / 2 is 3

        A word that is not a number or a size is an error, and so is a division by zero.
      """
    ),
    (
      ["pipe", "pipes"],
      """
      PIPES (docs/language.md, Pipes to system commands)

        COMMAND … | PROGRAM ARG … [| PROGRAM …]

        The command's output, in its format (-o json, -o csv, set output …), is the
        program's input; the last program's output is shown, or kept by let as text.
        A program that exits non-zero is a failure naming it.

        datasets -o json | jq '.[].name'
        let count = datasets -o csv | wc -l
      """
    ),
    (
      ["source", "exit"],
      """
      SCRIPTS (docs/language.md)

        source FILE [ARG …]        runs FILE in this session; ARGs become $1 … while it runs
        exit [N]                   ends the script (or the session) with status N
        fsh FILE ARG …             runs a script; `fsh -c 'COMMANDS'` runs text
      """
    ),
  ]

  /// The language topic a word names (`if`, `let`, `$error`), if any.
  package static func languageTopic(_ word: String) -> String? {
    languageTopics.first { $0.words.contains(word.lowercased()) }?.text
  }
}

import Foundation
import FshKit
import FshRuntime

/// One of fsh's own flags, declared once: the parser, `fsh --help`, the man page, `fsh complete`
/// and the bash, zsh and fish completion scripts (`fsh --generate …`) all read `all`. The
/// configuration keys' flags come from the settings table (`ConfigKey.setting`), so a new key is
/// a new flag with no line here.
struct LaunchOption {
  /// How the option's value completes.
  enum Completion: Equatable {
    case none, files, directories, profiles, commands
    case choices([String])
  }

  /// `-c`, `--host`, `-o` and `--output`.
  var names: [String]
  /// The value's placeholder (`host`); nil for a flag.
  var valueName: String?
  var help: String
  var completion = Completion.none
  /// Left out of `--help`, the man page and completion (the generators).
  var hidden = false
  /// What it sets (a flag is given an empty value).
  var apply: (inout ShellLaunch, String) throws -> Void

  var takesValue: Bool { valueName != nil }
  var label: String {
    names.joined(separator: ", ") + (valueName.map { " <\($0)>" } ?? "")
  }

  static func value(
    _ names: [String], _ valueName: String, _ help: String, _ completion: Completion = .none,
    hidden: Bool = false, _ apply: @escaping (inout ShellLaunch, String) throws -> Void
  ) -> LaunchOption {
    LaunchOption(
      names: names, valueName: valueName, help: help, completion: completion, hidden: hidden,
      apply: apply)
  }

  static func flag(
    _ names: [String], _ help: String, _ apply: @escaping (inout ShellLaunch) -> Void
  ) -> LaunchOption {
    LaunchOption(names: names, valueName: nil, help: help) { launch, _ in apply(&launch) }
  }

  /// A value that must be one of `choices`.
  static func choice<T: RawRepresentable>(
    _ raw: String, _ option: String, _ choices: [T]
  ) throws -> T where T.RawValue == String {
    guard let v = choices.first(where: { $0.rawValue == raw.lowercased() }) else {
      throw LaunchError(
        "invalid value '\(raw)' for '\(option)'",
        notes: ["expected one of: \(choices.map(\.rawValue).joined(separator: ", "))"])
    }
    return v
  }

  /// Every option, in the order `--help` lists them.
  static let all: [LaunchOption] =
    [
      .value(["-c"], "commands", "Run COMMANDS and exit.", .commands) { $0.commands = $1 },
      .value(
        ["--cluster"], "name",
        "Use the named cluster profile; a comma-separated list or a glob ('prod-*') runs the "
          + "commands or script on each of them at once.", .profiles
      ) {
        $0.cluster = $1
      },
      .value(["--max-parallel"], "n", "With many clusters: at most N at once (default 8).") {
        launch, n in
        guard let v = Int(n), v >= 1, v <= 1000 else {
          throw LaunchError(
            "invalid value '\(n)' for '--max-parallel'", notes: ["give a whole number from 1"])
        }
        launch.maxParallel = v
      },
      .flag(["--serial"], "With many clusters: one at a time, in profile order.") {
        $0.maxParallel = 1
      },
      .flag(["--group"], "With many clusters: each cluster's output whole, under a header.") {
        $0.group = true
      },
      .flag(["--fail-fast"], "With many clusters: stop the others at the first failure.") {
        $0.failFast = true
      },
    ]
    + ConfigKey.allCases.map { key in
      .value(
        [key.flag], key.setting.valueName.lowercased(), sentence(key.summary),
        key.setting.path == .directory ? .directories : key.isPath ? .files : .none
      ) { $0.settings[key] = $1 }
    } + [
      .value(
        ["-o", "--output"], "format", "Result format: \(GlobalOptions.formats).",
        .choices(OutputFormat.allCases.map(\.rawValue))
      ) { $0.output = try choice($1, "--output", OutputFormat.allCases) },
      .value(
        ["--color"], "when", "Colour: auto, always or never (NO_COLOR is honoured).",
        .choices(ColorMode.allCases.map(\.rawValue))
      ) { $0.color = try choice($1, "--color", ColorMode.allCases) },
      .flag(["-q", "--quiet"], "Print only results and errors (no notes or warnings).") {
        $0.quiet = true
      },
      .flag(["-v", "--verbose"], "Trace each HTTP request and response to standard error.") {
        $0.verbose = true
      },
      .flag(["--sandbox"], "Start the sandbox control service (fsh-sandbox) and connect to it.") {
        $0.sandbox = true
      },
      .flag(
        ["--rehearse"],
        "Run the script against a throwaway copy of the cluster (read with GET requests only) "
          + "and print the plan of what it would change."
      ) { $0.rehearse = true },
      .flag(
        ["--norc", "--no-rc"],
        "Do not run the rc file ($XDG_CONFIG_HOME/fsh/fshrc) at interactive start."
      ) {
        $0.noRC = true
      },
      .flag(["--version"], "Show the version.") { $0.showVersion = true },
      .flag(["-h", "--help"], "Show help information.") { $0.showHelp = true },
      .value(
        ["--generate"], "what", "Print a generated file: bash, zsh, fish (completion) or man.",
        hidden: true
      ) { launch, what in
        guard let g = LaunchFiles.Kind(rawValue: what) else {
          throw LaunchError(
            "invalid value '\(what)' for '--generate'",
            notes: ["expected one of: bash, zsh, fish, man"])
        }
        launch.generate = g
      },
    ]

  /// `control service …` as a sentence: `Control service ….`
  static func sentence(_ s: String) -> String {
    (s.first.map { String($0).uppercased() } ?? "") + s.dropFirst() + "."
  }

  static func named(_ name: String) -> LaunchOption? {
    all.first { $0.names.contains(name) }
  }

  /// The usage line's words after `fsh`.
  static let usage = "fsh [<options>] [<file> [<argument> ...]]"
  static let abstract =
    "The Flocker shell: operate Flocker storage clusters interactively or from scripts."
}

/// A command-line error: exit status 2, the message, its notes and the usage line.
struct LaunchError: Error {
  var message: String
  var notes: [String]
  init(_ message: String, notes: [String] = []) {
    self.message = message
    self.notes = notes
  }

  var text: String {
    (["fsh: error: \(message)"]
      + (notes + ["usage: \(LaunchOption.usage); see 'fsh --help'"]).map {
        "  note: \($0)"
      }).joined(separator: "\n")
  }
}

extension ShellLaunch {
  /// Parses fsh's command line: its options, then the script (or, after `-c`, `$1 …`). The
  /// first word that is not an option (or `-`, or what follows `--`) and every word after it
  /// belong to the script, options included: `fsh s.fsh -x` gives the script `-x`.
  static func parse(_ arguments: [String]) throws -> ShellLaunch {
    var launch = ShellLaunch()
    var i = 0
    func value(for option: String, inline: String?) throws -> String {
      if let inline { return inline }
      i += 1
      guard i < arguments.count else {
        throw LaunchError("option '\(option)' needs a value")
      }
      return arguments[i]
    }
    while i < arguments.count {
      let a = arguments[i]
      if a == "--" {
        launch.script = Array(arguments[(i + 1)...])
        break
      }
      if a == "-" || !a.hasPrefix("-") {
        launch.script = Array(arguments[i...])
        break
      }
      if a.hasPrefix("--") {
        let parts = a.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        let name = String(parts[0])
        let inline = parts.count > 1 ? String(parts[1]) : nil
        guard let option = LaunchOption.named(name) else { throw unknown(name) }
        if option.takesValue {
          try option.apply(&launch, value(for: name, inline: inline))
        } else {
          guard inline == nil else { throw LaunchError("option '\(name)' takes no value") }
          try option.apply(&launch, "")
        }
      } else {
        // `-o json`, `-ojson`, `-o=json`; flags together: `-qv`.
        var letters = Substring(a.dropFirst())
        while let letter = letters.first {
          let name = "-" + String(letter)
          letters = letters.dropFirst()
          guard let option = LaunchOption.named(name) else { throw unknown(name) }
          if option.takesValue {
            let rest = letters.hasPrefix("=") ? letters.dropFirst() : letters
            try option.apply(&launch, value(for: name, inline: rest.isEmpty ? nil : String(rest)))
            break
          }
          try option.apply(&launch, "")
        }
      }
      i += 1
    }
    return launch
  }

  private static func unknown(_ name: String) -> LaunchError {
    let known = LaunchOption.all.filter { !$0.hidden }.flatMap(\.names)
    return LaunchError(
      "unknown option '\(name)'",
      notes: Suggest.nearest(name, in: known).map { ["did you mean '\($0)'?"] } ?? [])
  }
}

import ArgumentParser
import Foundation
import FshKit
import FshSandboxProtocol

extension OutputFormat: ExpressibleByArgument {}
extension ColorMode: ExpressibleByArgument {}

/// `fsh [options] [FILE [ARG…]]`: the process's flags, then the REPL, a script, `-c` or stdin.
struct FshCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "fsh",
    abstract: "The Flocker shell: operate Flocker storage clusters interactively or from scripts.",
    // Not the derived `fsh [<options>] -- [<file> ...]`: `--` is never needed (see
    // `separatingScriptArguments`).
    usage: "fsh [<options>] [<file> [<argument> ...]]",
    discussion: """
      With no FILE and no -c, fsh reads commands from the terminal (line editing, history, \
      completion), or from standard input when it is not a terminal.

      Subcommands: `fsh sandbox serve` runs the sandbox control service in the foreground.
      Inside fsh, `help` lists the commands and `help language` the language.

      EXIT STATUS: 0 success; 1 a command failed; 2 a usage or syntax error (bad flags, a script that does not parse); \
      130 interrupted; `exit N` gives N.

      COMMANDS (inside fsh; `help COMMAND` for one):
      """ + " "
        + CommandTable.standard.commands.filter { !$0.help.hidden }.map { $0.help.name }.sorted()
        .joined(separator: ", ") + ".",
    version: FshVersion.current)

  @Option(
    name: .customShort("c"), help: ArgumentHelp("Run COMMANDS and exit.", valueName: "commands"))
  var commands: String?

  @Option(help: ArgumentHelp("Use the named cluster profile.", valueName: "name"))
  var cluster: String?
  @Option(help: ArgumentHelp("Control service host name or IP.", valueName: "host"))
  var host: String?
  @Option(help: ArgumentHelp("Control service REST API port (default 4523).", valueName: "port"))
  var port: String?
  @Option(help: ArgumentHelp("Certificate directory (default /etc/flocker).", valueName: "dir"))
  var certs: String?
  @Option(help: ArgumentHelp("API user: selects <certs>/<user>.crt and .key.", valueName: "user"))
  var user: String?
  @Option(
    help: ArgumentHelp("Cluster CA certificate (default <certs>/cluster.crt).", valueName: "file"))
  var ca: String?
  @Option(help: ArgumentHelp("API user certificate.", valueName: "file"))
  var cert: String?
  @Option(help: ArgumentHelp("API user private key.", valueName: "file"))
  var key: String?

  @Option(
    name: [.short, .long],
    help: ArgumentHelp("Result format: \(GlobalOptions.formats).", valueName: "format"))
  var output: OutputFormat?
  @Option(
    help: ArgumentHelp("Colour: auto, always or never (NO_COLOR is honoured).", valueName: "when"))
  var color: ColorMode?
  @Flag(name: .shortAndLong, help: "Print only results and errors (no notes or warnings).")
  var quiet = false
  @Flag(name: .shortAndLong, help: "Trace each HTTP request and response to standard error.")
  var verbose = false
  @Flag(help: "Start the sandbox control service (fsh-sandbox) and connect to it.")
  var sandbox = false
  @Flag(
    help: ArgumentHelp(
      "Run the script against a throwaway copy of the cluster (read with GET requests only) and print the plan of what it would change.",
      valueName: "script"))
  var rehearse = false
  @Flag(
    name: [.customLong("norc"), .customLong("no-rc")],
    help: "Do not run the rc file ($XDG_CONFIG_HOME/fsh/fshrc) at interactive start.")
  var noRC = false

  @Argument(
    parsing: .postTerminator,
    help: ArgumentHelp("A script to run, and its arguments ($1, $2, …).", valueName: "file"))
  var script: [String] = []

  /// fsh's options that take a value (`--host H`), for `separatingScriptArguments`.
  static let optionsWithValues: Set<String> = [
    "-c", "--cluster", "--host", "--port", "--certs", "--user", "--ca", "--cert", "--key", "-o",
    "--output", "--color",
  ]

  /// Puts `--` before the first word that is not fsh's, so that everything from the script
  /// name on (including words that look like options) belongs to the script: `fsh s.fsh -x`.
  static func separatingScriptArguments(_ args: [String]) -> [String] {
    var i = 0
    while i < args.count {
      let a = args[i]
      if a == "--" { return args }
      if !a.hasPrefix("-") || a == "-" { break }
      if optionsWithValues.contains(a) { i += 1 }
      i += 1
    }
    guard i < args.count else { return args }
    return Array(args[..<i]) + ["--"] + Array(args[i...])
  }

  func run() throws {
    try ShellLaunch(
      commands: commands, cluster: cluster, host: host, port: port, certs: certs, user: user,
      ca: ca, cert: cert, key: key, output: output, color: color, quiet: quiet, verbose: verbose,
      sandbox: sandbox, rehearse: rehearse, noRC: noRC, script: script
    ).run()
  }
}

/// Starts the sandbox for `--sandbox` (an `fsh-sandbox` child), keeping its state across runs.
enum SandboxLauncher {
  static func start(stateDirectory: String) throws -> SandboxProcess {
    var start = SandboxStart(directory: stateDirectory + "/sandbox", waitForAgents: true)
    start.port = 0
    start.ownerPID = getpid()
    start.ownerCommand = "fsh --sandbox"
    // One state directory, one writer: a sandbox already serving it is joined.
    if let running = SandboxProcess.joinRunning(directory: start.directory) { return running }
    do {
      // Restarted on saved state: it answers once the agents have reported again.
      return try SandboxProcess(start)
    } catch {
      throw ValidationError("cannot start the sandbox in \(start.directory): \(error)")
    }
  }
}

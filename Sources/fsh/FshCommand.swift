import ArgumentParser
import Foundation
import FshKit
import FshSandbox

extension OutputFormat: ExpressibleByArgument {}
extension ColorMode: ExpressibleByArgument {}

/// `fsh [options] [FILE [ARG…]]`: the process's flags, then the REPL, a script, `-c` or stdin.
struct FshCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "fsh",
    abstract: "The Flocker shell: operate Flocker storage clusters interactively or from scripts.",
    discussion: """
      With no FILE and no -c, fsh reads commands from the terminal (line editing, history, \
      completion), or from standard input when it is not a terminal.

      Subcommands: `fsh sandbox serve` runs the sandbox control service in the foreground.
      Inside fsh, `help` lists the commands and `help language` the language.

      EXIT STATUS: 0 success; 1 a command failed; 2 the script did not parse; 64 bad flags; \
      130 interrupted; `exit N` gives N.
      """,
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
    help: ArgumentHelp("Result format: table, json or csv.", valueName: "format"))
  var output: OutputFormat?
  @Option(
    help: ArgumentHelp("Colour: auto, always or never (NO_COLOR is honoured).", valueName: "when"))
  var color: ColorMode?
  @Flag(name: .shortAndLong, help: "Print only results and errors (no notes or warnings).")
  var quiet = false
  @Flag(name: .shortAndLong, help: "Trace each HTTP request and response to standard error.")
  var verbose = false
  @Flag(help: "Start the sandbox control service in-process and connect to it.")
  var sandbox = false
  @Flag(
    name: .customLong("no-rc"),
    help: "Do not run the rc file ($XDG_CONFIG_HOME/fsh/fshrc) at start.")
  var noRC = false

  @Argument(
    parsing: .captureForPassthrough,
    help: ArgumentHelp("A script to run, and its arguments ($1, $2, …).", valueName: "file"))
  var script: [String] = []

  func validate() throws {
    // Words after the script belong to it; an option before any script is fsh's and unknown.
    if let first = script.first, first.hasPrefix("-"), first != "-" {
      throw ValidationError("unknown option '\(first)'")
    }
  }

  func run() throws {
    setlocale(LC_CTYPE, "")
    var environment = SessionEnvironment.current()
    environment.cluster = cluster
    let given: [(ConfigKey, String?)] = [
      (.host, host), (.port, port), (.certs, certs), (.user, user), (.ca, ca), (.cert, cert),
      (.key, key),
    ]
    for (k, v) in given { if let v { environment.flags[k] = v } }

    let host = TerminalHost()
    host.quiet = quiet
    var sandboxServer: Sandbox? = nil
    if sandbox {
      let server = try SandboxLauncher.start(stateDirectory: environment.stateDirectory)
      sandboxServer = server
      environment.flags[.host] = "127.0.0.1"
      environment.flags[.port] = String(server.port)
      environment.flags[.certs] = server.certificatesDirectory
      environment.flags[.user] = server.userName
      environment.flags[.ca] = nil
      environment.flags[.cert] = nil
      environment.flags[.key] = nil
      environment.cluster = nil
      if !quiet && (commands == nil && script.isEmpty) {
        host.report(
          Diagnostic(
            "sandbox control service on 127.0.0.1:\(server.port) with \(server.nodes.count) nodes "
              + "(state in \(server.options.directory)); nothing here touches a real cluster",
            severity: .note))
      }
    }
    defer { sandboxServer?.stop() }

    let session = Session(environment: environment, host: host)
    if let output { session.options.output = output }
    if let color { session.options.color = color }
    session.options.verbose = verbose

    let status: Int32
    if let commands {
      status = finish(session.run(commands, name: "<-c>", arguments: script), host: host)
    } else if let file = script.first {
      status = finish(session.runFile(file, arguments: Array(script.dropFirst())), host: host)
    } else if !Terminal.stdinIsTTY {
      let data = FileHandle.standardInput.readDataToEndOfFile()
      let text = String(decoding: data, as: UTF8.self)
      status = finish(session.run(text, name: "<stdin>"), host: host)
    } else {
      let repl = REPL(session: session, host: host, runRC: !noRC)
      status = repl.run()
    }
    host.flush()
    sandboxServer?.stop()
    sandboxServer = nil
    throw ExitCode(status)
  }

  /// Prints a run's diagnostics and returns its exit status.
  func finish(_ outcome: Outcome, host: TerminalHost) -> Int32 {
    host.flush()
    if let d = outcome.stoppedBy { host.printDiagnostic(d) }
    return outcome.status
  }
}

/// Starts the in-process sandbox for `--sandbox`, keeping its state across runs.
enum SandboxLauncher {
  static func start(stateDirectory: String) throws -> Sandbox {
    var options = SandboxOptions(directory: stateDirectory + "/sandbox")
    options.port = 0
    do {
      let server = try Sandbox(options: options)
      try server.start()
      return server
    } catch {
      throw ValidationError("cannot start the sandbox in \(options.directory): \(error)")
    }
  }
}

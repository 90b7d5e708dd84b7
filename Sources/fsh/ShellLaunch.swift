import ArgumentParser
import CFshSupport
import Foundation
import FshKit
import FshLanguage

#if canImport(Glibc)
  import Glibc
#endif

/// What fsh was asked to do, as plain values: `FshCommand` fills it from ArgumentParser, and
/// `quick(_:)` from the common command lines without it.
///
/// A profile of `fsh -c 'echo hi'` put a quarter of the process in ArgumentParser: building the
/// argument set by reflection, checking for a completion-script request, and generating help
/// text for the `ExitCode` that ends every run. The shapes that need none of it (no flags, `-c`,
/// a script) are parsed here; anything else, `--help` included, goes to ArgumentParser.
struct ShellLaunch {
  var commands: String?
  var cluster: String?
  var host: String?
  var port: String?
  var certs: String?
  var user: String?
  var ca: String?
  var cert: String?
  var key: String?
  var output: OutputFormat?
  var color: ColorMode?
  var quiet = false
  var verbose = false
  var sandbox = false
  var rehearse = false
  var noRC = false
  var script: [String] = []

  /// `fsh`, `fsh -c COMMANDS [ARG…]` or `fsh FILE [ARG…]`, optionally after `--norc`; nil for
  /// anything else.
  static func quick(_ arguments: [String]) -> ShellLaunch? {
    // `--norc` (what the first-prompt benchmark and the terminal tests start with).
    if arguments.first == "--norc" || arguments.first == "--no-rc" {
      var launch = quick(Array(arguments.dropFirst()))
      launch?.noRC = true
      return launch
    }
    guard let first = arguments.first else { return ShellLaunch() }
    if first == "-c" {
      guard arguments.count >= 2 else { return nil }
      var launch = ShellLaunch(commands: arguments[1])
      launch.script = Array(arguments.dropFirst(2))
      // ArgumentParser would read flags after the commands as fsh's own: leave those to it.
      if launch.script.contains(where: { $0.hasPrefix("-") }) { return nil }
      return launch
    }
    guard !first.hasPrefix("-"), first != "sandbox", first != "complete" else { return nil }
    var launch = ShellLaunch()
    launch.script = arguments
    return launch
  }

  nonisolated(unsafe) static var keptUntilExit: Outcome?

  /// Runs it and exits with its status; a usage error exits 2 like ArgumentParser's.
  func runAndExit() -> Never {
    do {
      try run()
      exit(0)
    } catch let e as ExitCode {
      exit(e.rawValue)
    } catch {
      FileHandle.standardError.write(Data((FshCommand.fullMessage(for: error) + "\n").utf8))
      exit(FshCommand.exitCode(for: error) == .validationFailure ? ExitStatus.usage : 1)
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
    let colorFlag = color
    host.colorMode = { colorFlag ?? .auto }
    var sandboxServer: SandboxProcess? = nil
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
      if server.joined && !quiet {
        // One state directory, one writer: the sandbox already serving it is used as it is.
        host.report(
          Diagnostic(
            "joined the sandbox already serving \(server.directory) (pid \(server.pid)) on "
              + "127.0.0.1:\(server.port); it keeps running after this session",
            severity: .note))
      }
      // Interactive sessions say this in their banner.
      if !quiet && commands == nil && script.isEmpty && !Terminal.stdinIsTTY {
        host.report(
          Diagnostic(
            "sandbox control service on 127.0.0.1:\(server.port) with \(server.nodeCount) nodes "
              + "(state in \(server.directory)); nothing here touches a real cluster",
            severity: .note))
      }
    }
    defer { sandboxServer?.stop() }

    let session = Session(environment: environment, host: host)
    session.register(RehearseCommand.self)
    host.colorMode = { [weak session] in session?.options.color ?? .auto }
    session.terminalWidth = { Terminal.width }
    host.session = session
    if let output { session.options.output = output }
    if let color { session.options.color = color }
    session.options.verbose = verbose

    if rehearse {
      guard commands == nil, script.first != nil || Terminal.stdinIsTTY else {
        throw ValidationError("--rehearse needs a script: fsh --rehearse SCRIPT [ARGS …]")
      }
      let status: Int32
      do {
        if let file = script.first {
          let (plan, outcome) = try Rehearsal.rehearse(
            script: file, arguments: Array(script.dropFirst()), session: session, host: host)
          host.flush()
          if let d = outcome.stoppedBy { host.printDiagnostic(d) }
          host.show(plan, options: session.options)
          status = outcome.status
        } else {
          // No script, on a terminal: an interactive session on the copy; the plan at exit.
          let (plan, code) = try Rehearsal.onCopy(of: session, host: host, status: { $0 }) {
            REPL(session: $0, host: host, runRC: false).run()
          }
          host.show(plan, options: session.options)
          status = code
        }
      } catch let d as Diagnostic {
        host.flush()
        host.printDiagnostic(d)
        status = 1
      }
      host.flush()
      session.closeConnections()
      throw ExitCode(status)
    }

    // A script, `-c` text or standard input: Ctrl-C (and SIGTERM, SIGHUP) cancel what runs, so
    // the run stops where it was, says so, and what it printed is written out (the REPL
    // installs the same watcher per entry).
    var watcher: InterruptWatcher?
    if commands != nil || (script.first.map { $0 != "-" } ?? false) || !Terminal.stdinIsTTY
      || script.first == "-"
    {
      if cfsh_sigint_ignored() == 0 { cfsh_install_sigint() }
      cfsh_install_termination()
      let w = InterruptWatcher(session: session)
      w.start()
      w.commandStarted()
      watcher = w
    }
    defer { watcher?.stop() }
    let status: Int32
    if let commands {
      status = finish(session.run(commands, name: "<-c>", arguments: script), host: host)
    } else if let file = script.first, file != "-" {
      status = finish(session.runFile(file, arguments: Array(script.dropFirst())), host: host)
    } else if !Terminal.stdinIsTTY || script.first == "-" {
      // `fsh -` or a pipe: standard input is the script; no prompt, no line editor.
      let data = FileHandle.standardInput.readDataToEndOfFile()
      let text = String(decoding: data, as: UTF8.self)
      status = finish(
        session.run(text, name: "<stdin>", arguments: Array(script.dropFirst())), host: host)
    } else {
      let info = sandboxServer.map {
        SandboxInfo(
          host: "127.0.0.1", port: $0.port, nodes: $0.nodeCount, directory: $0.directory)
      }
      let repl = REPL(session: session, host: host, runRC: !noRC, sandbox: info)
      status = repl.run()
    }
    host.flush()
    session.closeConnections()
    sandboxServer?.stop()
    sandboxServer = nil
    throw ExitCode(status)
  }

  /// Prints a run's diagnostics and returns its exit status.
  func finish(_ outcome: Outcome, host: TerminalHost) -> Int32 {
    // The process exits next: what the script returned is kept rather than freed one
    // allocation at a time (a 100 000-dataset listing took ~20 ms to free).
    ShellLaunch.keptUntilExit = outcome
    host.flush()
    if let d = outcome.stoppedBy { host.printDiagnostic(d) }
    return outcome.status
  }
}

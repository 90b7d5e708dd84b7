import CFshSupport
import Foundation
import FshFiles
import FshKit
import FshLanguage
import FshRuntime

#if canImport(Glibc)
  import Glibc
#endif

/// What fsh was asked to do, as plain values: `parse(_:)` fills it from the command line
/// through fsh's option table (`LaunchOption.all`).
struct ShellLaunch {
  var commands: String?
  var cluster: String?
  /// `--host`, `--port`, …: a value per configuration key given.
  var settings: [ConfigKey: String] = [:]
  var output: OutputFormat?
  var color: ColorMode?
  var quiet = false
  var verbose = false
  var sandbox = false
  var rehearse = false
  var noRC = false
  var showHelp = false
  var showVersion = false
  var generate: LaunchFiles.Kind?
  var script: [String] = []
  /// Many clusters (`--cluster a,b`, `--cluster 'lab-*'`): how many at once, output grouped,
  /// stop at the first failure.
  var maxParallel = 8
  var group = false
  var failFast = false

  /// The configuration flags and `--cluster`, applied to an environment (`run` and `fsh
  /// complete` read the same).
  func apply(to environment: inout SessionEnvironment) {
    if let cluster { environment.cluster = cluster }
    for (k, v) in settings { environment.flags[k] = v }
  }

  nonisolated(unsafe) static var keptUntilExit: Outcome?

  /// Parses the command line, runs it and exits with its status; a bad command line exits 2.
  static func main(_ arguments: [String]) -> Never {
    do {
      exit(try parse(arguments).run())
    } catch let e as LaunchError {
      FileHandle.standardError.write(Data((e.text + "\n").utf8))
      exit(ExitStatus.usage)
    } catch let e as LaunchFailure {
      // What the command line asked for cannot start: as a bad command line, status 2.
      FileHandle.standardError.write(Data("fsh: error: \(e.description)\n".utf8))
      exit(ExitStatus.usage)
    } catch {
      FileHandle.standardError.write(Data("fsh: error: \(error)\n".utf8))
      exit(1)
    }
  }

  /// Runs what was asked; the exit status.
  func run() throws -> Int32 {
    setlocale(LC_CTYPE, "")
    if showHelp || showVersion || generate != nil {
      let text =
        showHelp
        ? LaunchFiles.help
        : showVersion ? FshVersion.current + "\n" : LaunchFiles.generate(generate ?? .man)
      FileHandle.standardOutput.write(Data(text.utf8))
      return 0
    }
    var environment = SessionEnvironment.current()
    apply(to: &environment)

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
    session.keepsOnlyLastResult = true
    session.register(RehearseCommand.self)
    host.colorMode = { [weak session] in session?.options.color ?? .auto }
    session.terminalWidth = { Terminal.width }
    host.session = session
    if let output { session.options.output = output }
    if let color { session.options.color = color }
    session.options.verbose = verbose

    if let spec = cluster, !sandbox {
      let clusters: [String]?
      do {
        clusters = try FanOut.clusters(spec, environment: environment)
      } catch let d as Diagnostic {
        host.printDiagnostic(d)
        return ExitStatus.failure
      }
      if let clusters { return try fanOut(clusters, session: session) }
    }

    if rehearse {
      guard commands == nil, script.first != nil || Terminal.stdinIsTTY else {
        throw LaunchError("--rehearse needs a script: fsh --rehearse SCRIPT [ARGS …]")
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
      return status
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
    return status
  }

  /// The commands or script on every cluster of `clusters` (`FanOutLaunch`).
  func fanOut(_ clusters: [String], session: Session) throws -> Int32 {
    var source: String
    var name: String
    if rehearse {
      // Each cluster rehearses the script on its own copy and shows its own plan.
      guard commands == nil, let file = script.first, file != "-" else {
        throw LaunchError(
          "--rehearse needs a script: fsh --cluster LIST --rehearse SCRIPT [ARGS …]")
      }
      let absolute =
        file.hasPrefix("/") ? file : FileManager.default.currentDirectoryPath + "/" + file
      // Quoted as completion quotes a word: single quotes, or double when it holds one.
      func word(_ w: String) -> String {
        guard w.isEmpty || w.contains(where: Completion.needsQuoting) else { return w }
        return w.contains("'") ? "\"" + w + "\"" : "'" + w + "'"
      }
      source = "rehearse " + ([absolute] + script.dropFirst()).map(word).joined(separator: " ")
      name = "<rehearse>"
    } else if let commands {
      (source, name) = (commands, "<-c>")
    } else if let file = script.first, file != "-" {
      guard let text = TextFile.read(file) else {
        throw LaunchError("cannot read script '\(file)'")
      }
      (source, name) = (text, file)
    } else if !Terminal.stdinIsTTY || script.first == "-" {
      let data = FileHandle.standardInput.readDataToEndOfFile()
      (source, name) = (String(decoding: data, as: UTF8.self), "<stdin>")
    } else {
      throw LaunchError(
        "an interactive session talks to one cluster: give -c COMMANDS or a script to run on "
          + clusters.joined(separator: ", "))
    }
    if cfsh_sigint_ignored() == 0 { cfsh_install_sigint() }
    cfsh_install_termination()
    let watcher = InterruptWatcher(session: session)
    watcher.start()
    watcher.commandStarted()
    defer { watcher.stop() }
    let launch = FanOutLaunch(
      clusters: clusters, group: group, quiet: quiet, output: session.options.output)
    return launch.run(
      source, name: name,
      arguments: rehearse ? [] : commands == nil ? Array(script.dropFirst()) : script,
      parent: session, maxParallel: maxParallel, failFast: failFast)
  }

  /// Prints a run's diagnostics and returns its exit status.
  func finish(_ outcome: Outcome, host: TerminalHost) -> Int32 {
    // The process exits next: what the script returned is kept rather than freed one
    // allocation at a time (a large listing is slow to free; Benchmarks/NOTES.md).
    ShellLaunch.keptUntilExit = outcome
    host.flush()
    if let d = outcome.stoppedBy { host.printDiagnostic(d) }
    return outcome.status
  }
}

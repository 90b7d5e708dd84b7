import ArgumentParser
import Foundation
import FshClient
import FshKit
import FshLanguage
import FshModel
import FshRuntime
import FshSandboxProtocol

/// `fsh sandbox serve`: runs the sandbox control service in the foreground.
struct SandboxCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "fsh sandbox",
    abstract: "Run the sandbox Flocker control service.",
    subcommands: [Serve.self, Agent.self])

  struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Serve the v1 API over mutual TLS on 127.0.0.1 until interrupted.",
      discussion:
        "Prints the variables another terminal needs to reach it (`eval` them, then run fsh).")

    // Its options are one table (SandboxServeOption.all, in FshSandboxProtocol), read by
    // `SandboxServe.main`, which main.swift calls before ArgumentParser sees `serve`: this type
    // only names the subcommand in `fsh sandbox --help`.
    func run() throws { try SandboxServe.serve(SandboxServeOption.parse([])) }
  }
}

/// `fsh sandbox serve [OPTIONS]`: the options from `SandboxServeOption.all`.
enum SandboxServe {
  /// `fsh sandbox serve --help`, from the option table.
  static var helpText: String {
    var out = """
      OVERVIEW: Serve the v1 API over mutual TLS on 127.0.0.1 until interrupted.

      Prints the variables another terminal needs to reach it (`eval` them, then run fsh).

      USAGE: fsh sandbox serve [<options>]

      OPTIONS:

      """
    for o in SandboxServeOption.all where !o.hidden {
      out += HelpFormatter.row(o.name + (o.valueName.map { " <\($0)>" } ?? ""), o.help)
    }
    return out
  }

  static func main(_ arguments: [String]) -> Never {
    do {
      let request = try SandboxServeOption.parse(arguments)
      if request.showHelp {
        print(helpText, terminator: "")
        exit(0)
      }
      try serve(request)
      exit(0)
    } catch let e as SandboxServeError {
      FileHandle.standardError.write(Data("Error: \(e.description)\n".utf8))
      exit(ExitStatus.usage)
    } catch {
      FileHandle.standardError.write(Data("Error: \(error)\n".utf8))
      exit(1)
    }
  }

  static func serve(_ request: SandboxServeRequest) throws {
    let env = SessionEnvironment.current()
    let from = request.from
    var start = request.start
    start.directory =
      request.directory.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
      ?? env.stateDirectory + (from == nil ? "/sandbox" : "/sandbox-copy")
    for notice in request.notices { FileHandle.standardError.write(Data((notice + "\n").utf8)) }
    start.ownerPID = getpid()
    start.ownerCommand = "fsh sandbox serve --dir \(start.directory)"
    var what = "sandbox control service"
    if let from {
      // A copy of a real cluster: read it (GETs only), then serve the copy.
      var source = env
      if from != "." { source.cluster = from }
      let reader = Session(environment: source)
      do {
        let snapshot = try Rehearsal.snapshot(reader)
        start.seed = snapshot.seed
        start.persist = false
        what = "copy of cluster '\(snapshot.label)' (\(snapshot.seed.datasets.count) datasets)"
      } catch let d as Diagnostic {
        throw ValidationError(
          "cannot read cluster '\(from)': \(d.message)"
            + d.notes.map { "\n  note: \($0)" }.joined())
      }
    }
    // Serve until SIGINT or SIGTERM (the child ignores SIGINT: fsh stops it in order).
    signal(SIGPIPE, SIG_IGN)
    let done = DispatchSemaphore(value: 0)
    let sources = [SIGINT, SIGTERM].map { sig -> DispatchSourceSignal in
      signal(sig, SIG_IGN)
      let s = DispatchSource.makeSignalSource(signal: sig, queue: .global())
      s.setEventHandler { done.signal() }
      s.resume()
      return s
    }
    let server: SandboxProcess
    do {
      server = try SandboxProcess(start)
    } catch {
      throw ValidationError("cannot start the sandbox: \(error)")
    }
    var senv = env
    senv.flags = [
      .host: "127.0.0.1", .port: String(server.port), .certs: server.certificatesDirectory,
      .user: server.userName,
    ]
    senv.cluster = nil
    let session = Session(environment: senv)
    let export = try EnvExport.variables(for: .kubernetes, from: session.configuration)
    var text =
      "# \(what) on 127.0.0.1:\(server.port), \(server.nodeCount) nodes, state in \(start.directory)\n"
    text +=
      "# in another terminal: eval these lines, then run fsh (Ctrl-C here stops the sandbox)\n"
    for (k, v) in export.variables { text += "export \(k)=\(shellQuote(v))\n" }
    print(text, terminator: "")
    fflush(stdout)
    // Or until the child ends on its own, which is a failure to report.
    let gone = SandboxCommand.Gone()
    Thread.detachNewThread {
      server.waitUntilGone()
      gone.set()
      done.signal()
    }
    done.wait()
    sources.forEach { $0.cancel() }
    let endedByItself = gone.value
    let how = server.stopAndDescribe()
    if endedByItself {
      throw SandboxServeError("the sandbox (\(sandboxExecutableName)) stopped: it \(how)")
    }
  }
}

extension SandboxCommand {
  /// Whether the served child ended by itself (set from its watching thread).
  final class Gone: @unchecked Sendable {
    private let lock = NSLock()
    private var flag = false
    func set() { lock.withLock { flag = true } }
    var value: Bool { lock.withLock { flag } }
  }

  /// `fsh sandbox agent stop|start NODE`: makes a simulated node's agent go away or come back,
  /// through the sandbox's own control endpoint (`/sandbox/agents/…`, outside `/v1`).
  struct Agent: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Stop or start a simulated node's dataset agent, or list them.",
      discussion: """
        Reaches the sandbox through the same configuration as any session (FLOCKER_* variables, \
        the current cluster profile). Nothing that needs a stopped agent converges until it \
        starts again; as in Flocker, its node and its mounted datasets stay in /v1/state/nodes \
        and /v1/state/datasets until the sandbox's --state-expiry (120 s) after it stopped. \
        `stop --before STEP` lets the agent run until it is about to take that step (create, \
        attach, mount, unmount, detach, destroy), e.g. --before mount leaves a volume attached, \
        not mounted. NODE is a unique node id prefix or the node's host address.
        """,
      subcommands: [Stop.self, Start.self, List.self])

    struct Stop: ParsableCommand {
      static let configuration = CommandConfiguration(abstract: "Stop a node's agent.")
      @Argument(help: "A unique node id prefix or host.") var node: String
      @Option(
        help: ArgumentHelp(
          "Stop it only when it is about to take this step for any dataset.",
          valueName: "create|attach|mount|unmount|detach|destroy"))
      var before: String?
      func validate() throws {
        let steps = ["create", "attach", "mount", "unmount", "detach", "destroy"]
        if let before, !steps.contains(before) {
          throw ValidationError(
            "--before takes one of \(steps.joined(separator: ", ")), not '\(before)'")
        }
      }
      func run() throws { try Agent.set(node, running: false, before: before) }
    }

    struct Start: ParsableCommand {
      static let configuration = CommandConfiguration(abstract: "Start a node's agent again.")
      @Argument(help: "A unique node id prefix or host.") var node: String
      func run() throws { try Agent.set(node, running: true) }
    }

    struct List: ParsableCommand {
      static let configuration = CommandConfiguration(
        abstract: "List the simulated agents and whether each runs.")
      func run() throws {
        for agent in try Agent.agents() {
          let pending = agent.stopBefore.map { "  (stops before \($0))" } ?? ""
          print(
            "\(agent.uuid)  \(agent.host)  \(agent.running ? "running" : "stopped")\(pending)")
        }
      }
    }

    struct Entry {
      var uuid: String
      var host: String
      var running: Bool
      /// The step it will stop before, if pending.
      var stopBefore: String?
      var era: String?
    }

    static func request(_ method: String, _ path: String) throws -> HTTPResponse {
      let session = Session(environment: SessionEnvironment.current())
      do {
        let response = try session.client().transport.perform(
          HTTPRequest(method: method, path: path))
        if response.status == 404, path == "/sandbox/agents" {
          throw ValidationError(
            "the control service at \(session.configuration.host ?? "?") is not an fsh sandbox "
              + "(no /sandbox/agents); point FLOCKER_* at one started by `fsh sandbox serve`")
        }
        return response
      } catch let d as Diagnostic {
        throw ValidationError(d.message + d.notes.map { "\n  note: " + $0 }.joined())
      }
    }

    static func agents() throws -> [Entry] {
      let response = try request("GET", "/sandbox/agents")
      guard response.status == 200,
        let items = Value.json(Data(response.body))?.listValue
      else { throw ValidationError("unexpected answer from the sandbox: \(response.status)") }
      return items.compactMap { item in
        guard let uuid = item["uuid"]?.stringValue, let host = item["host"]?.stringValue else {
          return nil
        }
        return Entry(
          uuid: uuid, host: host, running: item["running"]?.boolValue ?? true,
          stopBefore: item["stop_before"]?.stringValue, era: item["era"]?.stringValue)
      }
    }

    static func set(_ reference: String, running: Bool, before: String? = nil) throws {
      let all = try agents()
      let prefix = reference.lowercased()
      var matches = all.filter { $0.host == reference }
      if matches.isEmpty { matches = all.filter { $0.uuid.hasPrefix(prefix) && !prefix.isEmpty } }
      guard matches.count == 1, let agent = matches.first else {
        let listing = all.map { "\($0.uuid.prefix(8)) (\($0.host))" }.joined(separator: ", ")
        throw ValidationError(
          matches.isEmpty
            ? "no simulated node with an id starting '\(reference)' or host '\(reference)'; nodes: \(listing)"
            : "'\(reference)' matches \(matches.count) nodes; give more of the id: \(listing)")
      }
      let verb = running ? "start" : "stop"
      let query = before.map { "?before=\($0)" } ?? ""
      let response = try request("POST", "/sandbox/agents/\(agent.uuid)/\(verb)\(query)")
      guard response.status == 200 else {
        throw ValidationError("the sandbox refused to \(verb) the agent: \(response.bodyText)")
      }
      let who = "the agent of \(agent.uuid.prefix(8)) (\(agent.host))"
      let text =
        running
        ? "started \(who)"
        : before.map { "\(who) will stop before its next \($0)" } ?? "stopped \(who)"
      FileHandle.standardError.write(Data((text + "\n").utf8))
    }
  }
}

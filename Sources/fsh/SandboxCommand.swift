import ArgumentParser
import Foundation
import FshKit
import FshSandbox

/// `fsh sandbox serve`: runs the sandbox control service in the foreground.
struct SandboxCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "fsh sandbox",
    abstract: "Run the sandbox Flocker control service.",
    subcommands: [Serve.self])

  struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Serve the v1 API over mutual TLS on 127.0.0.1 until interrupted.",
      discussion:
        "Prints the variables another terminal needs to reach it (`eval` them, then run fsh).")

    @Option(help: "Port to listen on (0 picks a free one).") var port = 4523
    @Option(help: "State directory: certificates and the persisted configuration.") var dir: String?
    @Option(help: "Number of simulated nodes.") var nodes = 3
    @Option(help: ArgumentHelp("Seconds until a change shows in the state.", valueName: "seconds"))
    var delay = 0.5
    @Option(help: "Create this many named datasets at start (for scale tests).") var seed = 0
    @Option(help: "RSA key size of generated certificates (flocker-ca uses 4096).") var keyBits =
      4096
    @Option(help: ArgumentHelp("Seconds added to every response.", valueName: "seconds"))
    var latency = 0.0
    @Option(help: ArgumentHelp("Answer every Nth request with a 500.", valueName: "n"))
    var failEvery = 0
    @Option(help: ArgumentHelp("Drop every Nth connection without answering.", valueName: "n"))
    var dropEvery = 0

    func run() throws {
      let env = SessionEnvironment.current()
      var options = SandboxOptions(
        directory: dir.map { URL(fileURLWithPath: $0).standardizedFileURL.path } ?? env
          .stateDirectory + "/sandbox")
      options.port = port
      options.nodeCount = nodes
      options.convergenceDelay = delay
      options.seedDatasets = seed
      options.keyBits = keyBits
      options.faults = SandboxFaults(latency: latency, failEvery: failEvery, dropEvery: dropEvery)
      let server: Sandbox
      do {
        server = try Sandbox(options: options)
        try server.start()
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
        "# sandbox control service on 127.0.0.1:\(server.port), \(server.nodes.count) nodes, state in \(options.directory)\n"
      text +=
        "# in another terminal: eval these lines, then run fsh (Ctrl-C here stops the sandbox)\n"
      for (k, v) in export.variables { text += "export \(k)=\(EnvExport.shellQuote(v))\n" }
      print(text, terminator: "")
      fflush(stdout)
      // Serve until SIGINT or SIGTERM.
      signal(SIGPIPE, SIG_IGN)
      let done = DispatchSemaphore(value: 0)
      let sources = [SIGINT, SIGTERM].map { sig -> DispatchSourceSignal in
        signal(sig, SIG_IGN)
        let s = DispatchSource.makeSignalSource(signal: sig, queue: .global())
        s.setEventHandler { done.signal() }
        s.resume()
        return s
      }
      done.wait()
      sources.forEach { $0.cancel() }
      server.stop()
    }
  }
}

// fsh-sandbox: the sandbox control service in a process of its own, started by `fsh --sandbox`,
// `fsh sandbox serve` and rehearsals (the protocol is in FshSandboxProtocol). Keeping the server
// here keeps it out of every `fsh` start-up.

import Foundation
import FshSandbox
import FshSandboxProtocol

#if canImport(Glibc)
  import Glibc
#endif

// Ctrl-C in fsh's terminal is fsh's to handle; fsh stops this process by closing its stdin.
signal(SIGINT, SIG_IGN)
signal(SIGPIPE, SIG_IGN)
// Standard output carries the protocol only: anything else printed goes to standard error.
let protocolOut = dup(1)
dup2(2, 1)
let pipe = LinePipe(readFD: 0, writeFD: protocolOut)

if isatty(0) != 0 {
  FileHandle.standardError.write(
    Data(
      ("fsh-sandbox: started by fsh, not by hand: run `fsh sandbox serve` or `fsh --sandbox`\n")
        .utf8))
  exit(2)
}

let start: SandboxStart
do {
  guard let s = try pipe.receive(SandboxStart.self) else { exit(0) }
  start = s
} catch {
  pipe.send(SandboxReady(error: "unreadable start request: \(error)"))
  exit(2)
}

let sandbox: Sandbox
do {
  sandbox = try Sandbox(options: SandboxOptions(start))
  try sandbox.start()
  if start.waitForAgents { sandbox.waitForAgents() }
} catch {
  pipe.send(SandboxReady(error: "\(error)"))
  exit(1)
}
pipe.send(
  SandboxReady(
    port: sandbox.port, directory: sandbox.options.directory,
    certificatesDirectory: sandbox.certificatesDirectory, userName: sandbox.userName,
    caCertificatePath: sandbox.caCertificatePath,
    userCertificatePath: sandbox.userCertificatePath, userKeyPath: sandbox.userKeyPath,
    nodeCount: sandbox.nodes.count))

// Serve until fsh closes our standard input (or dies), answering its questions meanwhile.
while true {
  let query: SandboxQuery?
  do {
    query = try pipe.receive(SandboxQuery.self)
  } catch {
    FileHandle.standardError.write(Data("fsh-sandbox: unreadable query: \(error)\n".utf8))
    break
  }
  guard let query else { break }
  var answer = SandboxAnswer()
  switch query {
  case .requests(let since):
    let log = sandbox.requestLog
    answer.count = log.count
    answer.requests = log.dropFirst(since).map {
      SandboxLoggedRequest(
        method: $0.method, path: $0.path, body: Data($0.body), status: $0.status,
        response: Data($0.response))
    }
  case .handle(let method, let path):
    let response = sandbox.handle(method: method, path: path)
    answer.status = response.status
    answer.body = Data(response.body)
  }
  guard pipe.send(answer) else { break }
}
sandbox.stop()
exit(0)

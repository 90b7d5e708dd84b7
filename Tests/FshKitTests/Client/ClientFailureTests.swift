// Each failure class: connection, TLS, HTTP statuses, malformed answers, timeouts, retries, cancel.
import Foundation
import FshModel
import FshPKI
import FshSandbox
import FshTestSupport
import Testing

@testable import FshClient
@testable import FshJSON
@testable import FshKit
@testable import FshLanguage
@testable import FshRuntime

#if canImport(Glibc)
  import Glibc
#endif

/// A port on 127.0.0.1 where nothing listens (bound, then closed).
func closedPort() -> Int {
  let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
  var addr = sockaddr_in()
  addr.sin_family = sa_family_t(AF_INET)
  addr.sin_addr.s_addr = inet_addr("127.0.0.1")
  _ = withUnsafePointer(to: &addr) {
    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
      bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
    }
  }
  var len = socklen_t(MemoryLayout<sockaddr_in>.size)
  _ = withUnsafeMutablePointer(to: &addr) {
    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
  }
  close(fd)
  return Int(UInt16(bigEndian: addr.sin_port))
}

/// A listening socket that never accepts: TCP connects (the kernel's backlog), TLS never answers.
final class SilentListener {
  let fd: Int32
  let port: Int
  init() {
    let s = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    _ = withUnsafePointer(to: &addr) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        bind(s, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
      }
    }
    listen(s, 8)
    var len = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &addr) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(s, $0, &len) }
    }
    fd = s
    port = Int(UInt16(bigEndian: addr.sin_port))
  }
  deinit { close(fd) }
}

func expectError(
  _ code: ClientError.Code, _ body: () throws -> Void,
  sourceLocation: SourceLocation = #_sourceLocation
) -> ClientError? {
  do {
    try body()
    Issue.record("expected \(code), got success", sourceLocation: sourceLocation)
  } catch let e as ClientError {
    #expect(e.code == code, "\(e.message) [\(e.detail ?? "")]", sourceLocation: sourceLocation)
    return e
  } catch {
    Issue.record("expected ClientError.\(code), got \(error)", sourceLocation: sourceLocation)
  }
  return nil
}

/// Failures the real control service (the sandbox, over mutual TLS) can produce.
@Suite("Client: failures", .blocking)
struct ClientFailureTests {
  let server: SandboxPeer
  init() throws { server = try SandboxPeer() }

  @Test func refusedPortRetriesGetButNotPost() throws {
    let port = closedPort()
    let transport = try server.settings(port: port).transport()
    let client = FlockerClient(transport: transport)
    let e = expectError(.refused) { _ = try client.version() }
    #expect(
      e?.message == "cannot reach control service at '127.0.0.1:\(port)': connection refused; "
        + "is flocker-control running and is port \(port) open?")
    #expect(e?.detail?.contains("curl error 7") == true)
    #expect(transport.lastInfo.attempts == 3, "a GET is retried twice")
    _ = expectError(.refused) { _ = try client.createDataset(primary: server.nodeA) }
    #expect(transport.lastInfo.attempts == 1, "a mutation is never retried")
  }

  @Test func unresolvableHost() throws {
    let client = try server.settings(host: "no-such-host.invalid", retries: 0).client()
    let e = expectError(.unreachable) { _ = try client.version() }
    #expect(e?.message.contains("cannot resolve host 'no-such-host.invalid'") == true)
  }

  @Test func unknownCA() throws {
    let client = try server.settings(ca: try server.foreignUser().caFile).client()
    let e = expectError(.tlsUnknownCA) { _ = try client.version() }
    #expect(e?.message.contains("does not trust") == true)
    #expect(e?.detail?.contains("curl error 60") == true)
  }

  @Test func clientCertificateFromAnotherCA() throws {
    let rogue = try server.foreignUser()
    let client = try server.settings(cert: rogue.cert, key: rogue.key).client()
    let e = expectError(.tlsClientRejected) { _ = try client.version() }
    #expect(
      e?.message.hasPrefix(
        "the server refused the client certificate '\(rogue.cert)': it must be signed "
          + "by cluster.crt and have a CN starting with 'user-'") == true)
    #expect(e?.message.contains("issued by 'other-cluster'") == true)
  }

  @Test func nodeCertificateIsRefused() throws {
    let node = try server.nodeCredential()
    let client = try server.settings(cert: node.cert, key: node.key).client()
    let e = expectError(.tlsNodeCertificate) { _ = try client.version() }
    #expect(e?.message.contains("CN 'node-") == true)
    #expect(e?.message.contains("create-api-certificate") == true)
  }

  @Test func localCredentialProblems() throws {
    let missingKey = try server.settings(key: "/nonexistent/user.key").client()
    let e1 = expectError(.tlsLocalCredentials) { _ = try missingKey.version() }
    #expect(e1?.message.contains("cannot read the client key '/nonexistent/user.key'") == true)
    let mismatched = try server.settings(key: try server.nodeCredential().key).client()
    let e2 = expectError(.tlsLocalCredentials) { _ = try mismatched.version() }
    #expect(e2?.message.contains("does not match the certificate") == true)
    let missingCA = try server.settings(ca: "/nonexistent/cluster.crt").client()
    let e3 = expectError(.caFileUnreadable) { _ = try missingCA.version() }
    #expect(e3?.message.contains("'/nonexistent/cluster.crt'") == true)
  }

  @Test func serverDescriptionsBecomeErrors() throws {
    let client = try server.settings().client()
    let unknown = "1b2c3d4e-5f60-4172-8394-a5b6c7d8e9f0"
    let e404 = expectError(.http) { _ = try client.moveDataset(unknown, to: server.nodeA) }
    #expect(e404?.status == 404)
    #expect(e404?.description == "Dataset not found.")
    // The client says what happened; fsh adds the command that lists the ids.
    #expect(
      e404?.message == "dataset not found ('POST /v1/configuration/datasets/\(unknown)', HTTP 404)")
    #expect(
      e404.map { Diagnostic($0).message }
        == "dataset not found ('POST /v1/configuration/datasets/\(unknown)', HTTP 404); no "
        + "dataset has the id '\(unknown)'; list them with 'datasets'")

    let ds = try client.createDataset(primary: server.nodeA)
    _ = try client.deleteDataset(ds.datasetID)
    let e405 = expectError(.http) { _ = try client.moveDataset(ds.datasetID, to: server.nodeB) }
    #expect(e405?.status == 405)
    #expect(e405?.message.contains("a deleted dataset cannot be moved") == true)

    let e409 = expectError(.http) {
      _ = try client.createDataset(primary: server.nodeA, datasetID: ds.datasetID)
    }
    #expect(e409?.status == 409)

    let e400 = expectError(.http) {
      _ = try client.createDataset(primary: server.nodeA, maximumSize: 1024)
    }
    #expect(e400?.status == 400)
    #expect(e400?.errors.first?.contains("minimum") == true)
  }

  @Test func preconditionFailed() throws {
    let client = try server.settings().client()
    let (_, tag) = try client.configurationDatasets()
    _ = try client.createDataset(primary: server.nodeA)
    let e = expectError(.precondition) {
      _ = try client.createDataset(primary: server.nodeA, ifConfigurationMatches: tag)
    }
    #expect(e?.status == 412)
    #expect(e?.message.hasPrefix("the cluster configuration changed since it was read") == true)
    #expect(e?.description?.hasPrefix("Tag doesn't match.") == true)
  }

  @Test func bareStringServerError() throws {
    let client = try server.settings().client()
    server.sandbox.faults = SandboxFaults(failEvery: 1)
    let e = expectError(.serverError) { _ = try client.nodes() }
    server.sandbox.faults = SandboxFaults()
    #expect(
      e?.message.hasPrefix(
        "the control service failed on 'GET /v1/state/nodes', HTTP 500 (incident '")
        == true, "\(e?.message ?? "")")
    #expect(e?.message.hasSuffix("'); see its log (search for the incident id)") == true)
    #expect(e?.status == 500)
    // A bad era is a real 500 in Flocker.
    _ = expectError(.serverError) { _ = try client.nodeUUID(forEra: "not-a-uuid") }
  }

  @Test func nonJSON404And405() throws {
    let client = try server.settings().client()
    let e = expectError(.badResponse) { _ = try client.sendChecked(method: "GET", path: "/v1/x") }
    #expect(
      e?.message == "the control service does not know 'GET /v1/x' (HTTP 404); is it a Flocker "
        + "control service of version 1.x?")
    let e405 = expectError(.badResponse) {
      _ = try client.sendChecked(method: "DELETE", path: "/v1/version")
    }
    #expect(e405?.status == 405)
  }

  @Test func requestTimeout() throws {
    let client = try server.settings(requestTimeout: 0.5, retries: 0).client()
    // The server answers after 50 s, 100 times the timeout: only the timeout ends the request.
    server.sandbox.faults = SandboxFaults(latency: 50)
    let e = expectError(.timeout) { _ = try client.version() }
    server.sandbox.faults = SandboxFaults()
    #expect(e?.message.contains("within 0.5 s (request timeout)") == true)
  }

  @Test func connectTimeout() throws {
    let silent = SilentListener()
    let client = try server.settings(port: silent.port, connectTimeout: 0.3).client()
    let e = expectError(.timeout) { _ = try client.version() }
    #expect(e?.message.contains("(connect timeout)") == true)
  }

  /// The drop lands on a brand-new connection, which libcurl never sends again by itself (it
  /// re-sends only on a reused connection that died): only fsh's own retry gets the answer.
  @Test func droppedGetIsSentAgain() throws {
    // Request 1, on a connection of its own; request 2 is the new transport's first.
    _ = try FlockerClient(transport: try server.settings().transport()).version()
    server.sandbox.faults = SandboxFaults(dropEvery: 2)
    let transport = try server.settings().transport()
    let client = FlockerClient(transport: transport)
    #expect(try client.nodes().count == server.sandbox.nodes.count)
    #expect(transport.lastInfo.attempts == 2, "\(transport.lastInfo)")
    server.sandbox.faults = SandboxFaults()
  }

  /// libcurl never sends a request again for an HTTP status: a 5xx to a GET is asked again by
  /// fsh alone.
  @Test func serverErrorToAGetIsAskedAgain() throws {
    let transport = try server.settings().transport()
    let client = FlockerClient(transport: transport)
    _ = try client.version()
    server.sandbox.faults = SandboxFaults(failEvery: 2)
    #expect(try client.nodes().count == server.sandbox.nodes.count)
    #expect(transport.lastInfo.attempts == 2, "\(transport.lastInfo)")
    server.sandbox.faults = SandboxFaults()
  }
}

/// The python stand-in, only for answers the sandbox never gives (each test says which).
@Suite("Client: failures only a stand-in server makes", .blocking)
struct ClientStandInFailureTests {
  let server: HostileServer
  init() throws { server = try HostileServer() }

  /// Why a stand-in: the sandbox always presents a control certificate with the right name.
  @Test func serverWithoutControlServiceName() throws {
    let other = try HostileServer(mode: "wrong-name")
    let client = try other.settings().client()
    _ = expectError(.tlsServerName) { _ = try client.version() }
  }

  /// Why a stand-in: the sandbox never truncates, cuts, garbles or reshapes its answers.
  @Test func malformedAnswers() throws {
    let client = try server.settings().client()
    try server.fault("truncated", "GET", "/v1/configuration/datasets")
    let e = expectError(.badResponse) { _ = try client.configurationDatasets() }
    #expect(e?.message.contains("'GET /v1/configuration/datasets'") == true)
    #expect(e?.message.contains("not valid JSON") == true)

    try server.fault("drop-mid", "GET", "/v1/state/nodes")
    let cut = expectError(.badResponse) { _ = try client.nodes() }
    #expect(cut?.message.contains("cut off") == true)

    try server.fault("garbage", "GET", "/v1/version")
    _ = expectError(.badResponse) { _ = try client.version() }

    try server.fault("wrongshape", "GET", "/v1/configuration/datasets")
    let shape = expectError(.badResponse) { _ = try client.configurationDatasets() }
    #expect(shape?.message.contains("lacks the field 'dataset_id'") == true)
    #expect(try client.version().flocker == "1.15.0", "the session goes on")
    // An HTML 404 where JSON is expected (a proxy in front of the service).
    try server.fault("html404", "GET", "/v1/state/datasets")
    _ = expectError(.badResponse) { _ = try client.stateDatasets() }
  }

  /// Why a stand-in: it counts the requests it received per path (a dropped POST is sent once).
  @Test func droppedGetIsRetriedDroppedPostIsNot() throws {
    let transport = try server.settings().transport()
    let client = FlockerClient(transport: transport)
    try server.fault("drop-before", "GET", "/v1/state/nodes")
    #expect(try client.nodes().count == 2)
    #expect(try server.hits("GET", "/v1/state/nodes") == 2)
    #expect(transport.lastInfo.attempts == 2)

    let fresh = try server.settings().client()
    try server.fault("drop-before", "POST", "/v1/configuration/datasets")
    let e = expectError(.connectionDropped) { _ = try fresh.createDataset(primary: server.nodeA) }
    #expect(e?.message.contains("closed the connection before answering") == true)
    #expect(try server.hits("POST", "/v1/configuration/datasets") == 1)
  }
}

/// Calls `cancel()` from another thread 0.2 s from now.
/// Cancels `transport` once `sandbox` has received one request more than now: the request is
/// in flight (the sandbox holds its answer for the injected latency). A cancel sent before the
/// transfer starts is dropped by design (`cancelWhenIdleDoesNotPoisonNextRequest`), so a cancel
/// on a timer could be lost. Hang guard: 10 s without the request, then cancels anyway.
func cancelOnceReceived(_ transport: ControlTransport, by sandbox: Sandbox) {
  let seen = sandbox.requestLog.count
  Thread {
    let deadline = Date().addingTimeInterval(10)
    while sandbox.requestLog.count <= seen && Date() < deadline { usleep(5_000) }
    transport.cancel()
  }.start()
}

/// Cancels `transport` every 20 ms until `body` returns, for a transfer no server sees (a
/// connect that hangs): one of the cancels lands while it runs, however late it starts.
func cancellingUntilDone<T>(_ transport: ControlTransport, _ body: () throws -> T) rethrows -> T {
  let done = DoneFlag()
  Thread {
    while !done.isSet {
      transport.cancel()
      usleep(20_000)
    }
  }.start()
  defer { done.set() }
  return try body()
}

final class DoneFlag: @unchecked Sendable {
  private let lock = NSLock()
  private var value = false
  var isSet: Bool {
    lock.lock()
    defer { lock.unlock() }
    return value
  }
  func set() {
    lock.lock()
    value = true
    lock.unlock()
  }
}

@Suite("Client: cancellation", .serialized, .blocking)
struct ClientCancelTests {
  @Test func cancelDuringSlowResponse() throws {
    let server = try SandboxPeer()
    let transport = try server.settings().transport()
    let client = FlockerClient(transport: transport)
    _ = try client.version()
    // Hang guard 5 s; the server is ten times slower.
    let hangGuard = 5.0
    server.sandbox.faults = SandboxFaults(latency: hangGuard * 10)
    cancelOnceReceived(transport, by: server.sandbox)
    let start = Date()
    _ = expectError(.cancelled) { _ = try client.nodes() }
    #expect(Date().timeIntervalSince(start) < hangGuard, "hang guard: the cancel did not abort")
    server.sandbox.faults = SandboxFaults()
    // The next request works (the flag is reset and the handle is usable).
    #expect(try client.version().flocker == "1.15.0")
  }

  @Test func cancelDuringConnect() throws {
    let silent = SilentListener()
    let server = try SandboxPeer()
    let transport = try server.settings(port: silent.port, connectTimeout: 50).transport()
    // Hang guard 5 s; the connect timeout (50 s) is ten times longer, so only the cancel
    // can end the request in time, and a timeout would be the wrong error anyway.
    let hangGuard = 5.0
    let start = Date()
    cancellingUntilDone(transport) {
      _ = expectError(.cancelled) {
        _ = try transport.perform(HTTPRequest(method: "GET", path: "/v1/version"))
      }
    }
    #expect(Date().timeIntervalSince(start) < hangGuard, "hang guard: the cancel did not abort")
  }

  @Test func cancelWhenIdleDoesNotPoisonNextRequest() throws {
    let server = try SandboxPeer()
    let client = try server.settings().client()
    client.cancel()
    #expect(try client.version().flocker == "1.15.0")
  }
}

// The sandbox Flocker control service: the v1 REST API over real mutual-TLS HTTPS, simulated
// agents whose state converges after each change, leases that expire, and configuration that is
// persisted like the real service's `current_configuration.json`.

import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// A local Flocker control service for trying fsh and for tests.
///
/// ```swift
/// var options = SandboxOptions(directory: "/tmp/fsh-sandbox")
/// options.keyBits = 2048
/// let sandbox = try Sandbox(options: options)
/// try sandbox.start()
/// // curl --cacert <dir>/cluster.crt --cert <dir>/admin.crt --key <dir>/admin.key \
/// //   https://127.0.0.1:<sandbox.port>/v1/version
/// sandbox.stop()
/// ```
///
/// Certificates: the sandbox writes `cluster.crt|.key`, `control-service.crt|.key` (for its
/// `host`) and `<userName>.crt|.key` into `directory`, all 0600, reusing them when present. They
/// have flocker-ca's subjects and extensions but are X.509 **v3**, which every client accepts
/// (Go ≥ 1.17 ignores a v1 certificate's subjectAltName). flocker-ca's own v1-with-extensions
/// certificates, placed in `directory`, are served too: the TLS is OpenSSL's, as in Flocker.
///
/// TLS: only `cluster.crt` is trusted; a client certificate chaining to it is required and its
/// leaf commonName must start with `user-`. Anything else (no certificate, a `node-` certificate,
/// another CA) fails the TLS handshake; the server sends a TLS alert and no HTTP response.
public final class Sandbox: @unchecked Sendable {
  /// The options the sandbox was created with (`faults` may have changed since, see `faults`).
  public let options: SandboxOptions
  /// The directory holding `cluster.crt`, `cluster.key`, `control-service.crt|.key`,
  /// `<userName>.crt|.key`; the same as `options.directory`.
  public let certificatesDirectory: String
  /// The API user name (certificate CN `user-<userName>`).
  public let userName: String
  /// The simulated nodes.
  public let nodes: [SandboxNode]
  /// The cluster UUID (the CA's OU).
  public let clusterUUID: String

  /// Path of `cluster.crt`, the only trust anchor.
  public var caCertificatePath: String { certificatesDirectory + "/cluster.crt" }
  /// Path of `<userName>.crt`.
  public var userCertificatePath: String { certificatesDirectory + "/\(userName).crt" }
  /// Path of `<userName>.key`.
  public var userKeyPath: String { certificatesDirectory + "/\(userName).key" }

  private let lock = NSLock()
  let model: ClusterModel
  private var faultsStorage: SandboxFaults
  private var requestCount = 0
  /// Draws the random faults of `SandboxFaults.faultRate` (a fixed seed: runs replay).
  private var faultRandom = SplitMix64(0x5EED_FA17)
  private var server: SandboxServer?
  /// The directory's lock (`sandbox.lock`, flock(2)), held while the sandbox lives; -1 = none.
  private var lockDescriptor: Int32 = -1
  /// Seconds since 1970; tests replace it to move time without sleeping.
  var clock: @Sendable () -> Double = { Date().timeIntervalSince1970 }

  /// Creates the state directory and certificates (or reuses them) and loads or seeds the
  /// configuration. Does not listen yet: see `start()`.
  public init(options: SandboxOptions) throws {
    self.options = options
    self.faultsStorage = options.faults
    let directory =
      options.directory.hasSuffix("/") && options.directory.count > 1
      ? String(options.directory.dropLast()) : options.directory
    self.certificatesDirectory = directory
    self.userName = options.userName
    try Self.makeDirectory(directory)
    let persist = options.persist && options.seed == nil
    // One state directory, one writer: taken before anything in it is read or written.
    if persist {
      lockDescriptor = try Self.lockDirectory(directory, options: options)
    }
    let ca = try Self.prepareCertificates(
      directory: directory, host: options.host, userName: options.userName,
      keyBits: options.keyBits)
    self.clusterUUID = ca.clusterUUID
    if let seed = options.seed {
      var generator = SystemRandomNumberGenerator()
      self.nodes = seed.nodes.map {
        SandboxNode(
          uuid: $0.uuid.lowercased(), host: $0.host,
          era: seed.eras[$0.uuid.lowercased()]?.lowercased() ?? seed.eras[$0.uuid]?.lowercased()
            ?? randomUUID(&generator))
      }
    } else {
      self.nodes = try Self.prepareNodes(
        directory: directory, count: options.nodeCount, persist: options.persist)
    }
    let configurationPath = directory + "/current_configuration.json"
    let log: @Sendable (String) -> Void =
      options.log ?? { line in FileHandle.standardError.write(Data((line + "\n").utf8)) }
    self.model = ClusterModel(
      nodes: nodes, convergenceDelay: options.convergenceDelay,
      allocationUnit: options.allocationUnit,
      configurationPath: persist ? configurationPath : nil, churnSeed: options.churnSeed,
      pace: options.pace, stateExpiry: options.stateExpiry, maxVolumeSize: options.maxVolumeSize,
      kindReports: options.kindReports, log: log)
    model.agentStatePath = persist ? directory + "/sandbox_state.json" : nil
    let now = Date().timeIntervalSince1970
    if let seed = options.seed {
      model.load(seed: seed, now: now)
    } else if persist, let bytes = FileManager.default.contents(atPath: configurationPath) {
      // State is in memory only: the agents report it again once they reconnect.
      try model.load(from: Array(bytes), now: now)
    } else if options.seedDatasets > 0 {
      seed(count: options.seedDatasets)
      try model.save()
    }
  }

  deinit {
    server?.stop()
    try? model.saveAgentStateIfChanged()
    if lockDescriptor >= 0 {
      Glibc.close(lockDescriptor)
      Self.setHeld(certificatesDirectory, false)
    }
  }

  /// Stops serving, saves the agents' side and lets go of the state directory, so another
  /// sandbox can take it. The sandbox cannot be started again.
  public func close() {
    stop()
    lock.lock()
    defer { lock.unlock() }
    try? model.saveAgentStateIfChanged()
    if lockDescriptor >= 0 {
      Glibc.close(lockDescriptor)
      lockDescriptor = -1
      Self.setHeld(certificatesDirectory, false)
    }
  }

  /// The bound TCP port once `start()` returned (before: `options.port`).
  public var port: Int {
    lock.lock()
    defer { lock.unlock() }
    return server?.port ?? options.port
  }

  /// `https://<host>:<port>/v1`.
  public var baseURL: String {
    let host = options.host.contains(":") ? "[\(options.host)]" : options.host
    return "https://\(host):\(port)/v1"
  }

  /// Injected failures; thread-safe, may be changed while running.
  public var faults: SandboxFaults {
    get {
      lock.lock()
      defer { lock.unlock() }
      return faultsStorage
    }
    set {
      lock.lock()
      faultsStorage = newValue
      lock.unlock()
    }
  }

  /// Binds `options.host:options.port` and serves HTTPS; returns once listening. Calling it while
  /// running does nothing. The running server keeps the sandbox alive until `stop()`.
  public func start() throws {
    lock.lock()
    let running = server != nil
    lock.unlock()
    if running { return }
    let newServer = try SandboxServer(
      sandbox: self, host: options.host, port: options.port,
      certificatesDirectory: certificatesDirectory)
    lock.lock()
    server = newServer
    if lockDescriptor >= 0 {
      Self.writeLockInfo(
        lockDescriptor, options: options, port: newServer.port, nodeCount: nodes.count)
    }
    lock.unlock()
  }

  /// Stops listening and closes all connections (blocks until done; do not call it from a
  /// request's thread). The sandbox can be started again (with port 0, on a new port).
  public func stop() {
    lock.lock()
    let running = server
    server = nil
    try? model.saveAgentStateIfChanged()
    lock.unlock()
    running?.stop()
  }

  /// Handles one request without any network: used for an in-process transport and for unit
  /// tests. `path` includes `/v1` (a query string is ignored). Injected `latency` blocks the
  /// calling thread; a dropped request returns `dropConnection == true` and status 0.
  public func handle(
    method: String, path: String, headers: [(String, String)] = [], body: [UInt8] = []
  ) -> SandboxResponse {
    let (response, latency) = process(method: method, path: path, headers: headers, body: body)
    if latency > 0 { Thread.sleep(forTimeInterval: latency) }
    return response
  }

  /// Handles a request and returns the response plus the latency to add before sending it.
  func process(method: String, path: String, headers: [(String, String)], body: [UInt8])
    -> (SandboxResponse, Double)
  {
    lock.lock()
    defer { lock.unlock() }
    requestCount += 1
    let faults = faultsStorage
    let latency = max(0, faults.latency)
    if faults.dropEvery > 0, requestCount % faults.dropEvery == 0 {
      return (SandboxResponse(status: 0, headers: [], body: [], dropConnection: true), latency)
    }
    if faults.failEvery > 0, requestCount % faults.failEvery == 0 {
      return (internalError(), latency)
    }
    var loseAnswer = false
    if faults.faultRate > 0,
      Double(faultRandom.next() >> 11) / Double(1 << 53) < faults.faultRate
    {
      switch faultRandom.next() % 3 {
      case 0: return (internalError(), latency)
      case 1:
        return (SandboxResponse(status: 0, headers: [], body: [], dropConnection: true), latency)
      default: loseAnswer = true
      }
    }
    let now = clock()
    tickLocked(now: now)
    let request = APIRequest(method: method.uppercased(), path: path, headers: headers, body: body)
    let response = model.respond(to: request, now: now)
    if path.hasPrefix("/sandbox/agents/") { try? model.saveAgentStateIfChanged() }
    if model.requestLog.count >= requestLogLimit {
      model.requestLog.removeFirst(requestLogLimit / 10)
    }
    // Bodies only of changes: a listing's answer can be tens of megabytes.
    let change = request.method != "GET" && request.method != "HEAD"
    model.requestLog.append(
      SandboxRequestRecord(
        method: request.method, path: path, body: change ? body : [], status: response.status,
        response: change ? response.body : []))
    if loseAnswer {
      return (SandboxResponse(status: 0, headers: [], body: [], dropConnection: true), latency)
    }
    return (response, latency)
  }

  /// The requests answered so far, oldest first (also `GET /sandbox/requests`): what a client
  /// sent, for tests and for the plan of a rehearsal. Dropped and failed injected faults are
  /// not in it.
  public var requestLog: [SandboxRequestRecord] {
    lock.lock()
    defer { lock.unlock() }
    return model.requestLog
  }

  /// Blocks until the agents have reported after a restart (one convergence delay after
  /// loading a saved configuration; at once otherwise), so a session started now sees the
  /// nodes. The API shows the empty state before that, as a restarted control service does.
  public func waitForAgents() {
    lock.lock()
    let reconnect = model.reconnectAt
    lock.unlock()
    guard let reconnect else { return }
    let wait = reconnect - clock()
    if wait > 0 { Thread.sleep(forTimeInterval: min(wait, model.reconnectDelay) + 0.01) }
    tick()
  }

  /// The step each agent will stop before (`stopAgent(_:before:)`), by node uuid.
  public var pendingAgentStops: [String: SandboxAgentStep] {
    lock.lock()
    defer { lock.unlock() }
    tickLocked(now: clock())
    return model.stopBefore
  }

  /// The simulated agents, stopped ones included: (node, whether its agent runs).
  public var agents: [(node: SandboxNode, running: Bool)] {
    lock.lock()
    defer { lock.unlock() }
    tickLocked(now: clock())
    return model.nodes.map { ($0, !model.stoppedAgents.contains($0.uuid)) }
  }

  /// Stops a node's agent: nothing that needs it converges; its node and its mounted volumes
  /// stay in the state `stateExpiry` seconds and then leave (its era stays known). With
  /// `before`, the agent runs on until it is about to take that step for any dataset, and stops
  /// then (so "attached, not mounted" is reached with `.mount`). Also `POST
  /// /sandbox/agents/<uuid>/stop[?before=STEP]`. Returns false when no simulated node has this
  /// UUID.
  @discardableResult
  public func stopAgent(_ uuid: String, before: SandboxAgentStep? = nil) -> Bool {
    lock.lock()
    defer { lock.unlock() }
    let now = clock()
    tickLocked(now: now)
    let done = model.setAgent(uuid.lowercased(), running: false, before: before, now: now)
    try? model.saveAgentStateIfChanged()
    return done
  }

  /// Starts a stopped agent again: its node and volumes come back and stalled steps resume.
  /// Also `POST /sandbox/agents/<uuid>/start`.
  @discardableResult
  public func startAgent(_ uuid: String) -> Bool {
    lock.lock()
    defer { lock.unlock() }
    let now = clock()
    tickLocked(now: now)
    let done = model.setAgent(uuid.lowercased(), running: true, now: now)
    try? model.saveAgentStateIfChanged()
    return done
  }

  /// Applies due convergence steps and lease expiry (the real LeaseService runs every second).
  func tick() {
    lock.lock()
    defer { lock.unlock() }
    tickLocked(now: clock())
  }

  private func tickLocked(now: Double) {
    model.advance(to: now)
    if model.expireLeases(now: now) {
      try? model.save()
    }
  }

  /// Saves the agents' side if it changed (on the 1 s timer: at most a second is lost to a
  /// crash; `stop()` and agent changes save at once).
  func saveAgentState() {
    lock.lock()
    defer { lock.unlock() }
    try? model.saveAgentStateIfChanged()
  }
}

import Foundation
import FshClient
import FshFiles
import FshKit
import FshModel
import FshRuntime

/// The dataset and node words of one cluster, persisted under `$XDG_STATE_HOME/fsh/names/` so
/// that `fsh complete` (bash, zsh, fish) completes live names without contacting the cluster.
struct NameStore {
  let directory: String

  init(stateDirectory: String) { directory = stateDirectory + "/names" }

  /// The file name for a cluster: `sandbox`, or its host and port.
  static func key(host: String?, port: Int, sandbox: Bool) -> String? {
    if sandbox { return "sandbox" }
    guard let host, !host.isEmpty else { return nil }
    let safe = host.map { $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" ? $0 : "_" }
    return String(safe) + "_\(port)"
  }

  struct Entry {
    var datasets: [String]
    var nodes: [String]
    var time: Double
  }

  /// The saved words: `{"datasets": […], "nodes": […], "time": SECONDS}`; nil when missing or
  /// unreadable.
  func load(_ key: String) -> Entry? {
    guard let data = FileManager.default.contents(atPath: path(key)), let v = Value.json(data),
      let datasets = v["datasets"]?.listValue, let nodes = v["nodes"]?.listValue,
      let time = v["time"]?.doubleValue
    else { return nil }
    return Entry(
      datasets: datasets.compactMap(\.stringValue), nodes: nodes.compactMap(\.stringValue),
      time: time)
  }

  func save(_ key: String, datasets: [String], nodes: [String]) {
    let entry = Value.record(
      Record([
        ("datasets", .list(datasets.map { .string($0) })),
        ("nodes", .list(nodes.map { .string($0) })),
        ("time", .double(Date().timeIntervalSince1970)),
      ]))
    try? FileManager.default.createDirectory(
      atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    try? AtomicFile.write(
      Array(JSON.encode(entry, pretty: false).utf8), to: path(key), mode: 0o600)
  }

  private func path(_ key: String) -> String { directory + "/" + key + ".json" }
}

/// Keeps a session's `NameCache` fresh from a background thread with its own connection (the
/// session's client is not thread-safe): at start, after every entry, every 30 s, and at a Tab
/// when the names are older than `staleAfter` seconds (a dataset created from elsewhere). A Tab
/// waits at most `coldWait` seconds: before the very first answer, or for a refresh it asked
/// for; then it completes from what there is.
final class NameRefresher: @unchecked Sendable {
  /// What to connect to: the main session's TLS settings and the cache file name.
  struct Target: Equatable {
    var settings: TLSSettings?
    var key: String?
  }

  let cache: NameCache
  let store: NameStore
  let period: Double
  let coldWait: Double
  let staleAfter: Double
  /// When the last refresh answered.
  private var answeredAt: Date?
  private let condition = NSCondition()
  private var target = Target()
  private var wanted = 0
  private var done = 0
  private var inFlight = false
  private var loadedOnce = false
  private var stopped = false

  init(
    cache: NameCache, store: NameStore, period: Double = 30, coldWait: Double = 0.15,
    staleAfter: Double = 3
  ) {
    self.cache = cache
    self.store = store
    self.period = period
    self.coldWait = coldWait
    self.staleAfter = staleAfter
  }

  func start() {
    let thread = Thread { [self] in loop() }
    thread.name = "fsh-names"
    thread.start()
  }

  func stop() {
    condition.lock()
    stopped = true
    condition.broadcast()
    condition.unlock()
  }

  /// Asks for a refresh against `target` (called on the main thread before each prompt). When
  /// the cluster changed, the old cluster's names are dropped at once (then the persisted ones
  /// for the new cluster shown until the refresh answers).
  func refresh(_ newTarget: Target) {
    condition.lock()
    if newTarget != target {
      target = newTarget
      loadedOnce = false
      let saved = newTarget.key.flatMap { store.load($0) }
      cache.update(datasets: saved?.datasets ?? [], nodes: saved?.nodes ?? [])
    }
    wanted += 1
    condition.broadcast()
    condition.unlock()
  }

  /// Called by the completer before it reads names: when they are older than `staleAfter`,
  /// asks for a refresh; waits (at most `coldWait`) for that one, or when no refresh has
  /// answered yet and one is under way.
  func waitIfCold() {
    condition.lock()
    defer { condition.unlock() }
    let deadline = Date().addingTimeInterval(coldWait)
    if loadedOnce, let at = answeredAt, -at.timeIntervalSinceNow > staleAfter,
      !inFlight, wanted == done, target.settings != nil
    {
      wanted += 1
      let goal = wanted
      condition.broadcast()
      while done < goal && !stopped {
        if !condition.wait(until: deadline) { return }
      }
      return
    }
    while !loadedOnce && (inFlight || wanted > done) && !stopped {
      if !condition.wait(until: deadline) { return }
    }
  }

  private func loop() {
    var client: FlockerClient?
    var clientSettings: TLSSettings?
    while true {
      condition.lock()
      while wanted == done && !stopped {
        if !condition.wait(until: Date().addingTimeInterval(period)) {
          wanted += 1  // periodic refresh
        }
      }
      if stopped {
        condition.unlock()
        return
      }
      let generation = wanted
      let target = self.target
      inFlight = true
      condition.unlock()

      let before = cache.updates
      var words: (datasets: [String], nodes: [String])?
      if let settings = target.settings {
        if clientSettings != settings {
          client = (try? CurlTransport(settings: settings)).map { FlockerClient(transport: $0) }
          clientSettings = settings
        }
        if let client, let view = try? ClusterView.load(client) { words = view.completionWords }
      }

      condition.lock()
      inFlight = false
      done = max(done, generation)
      answeredAt = Date()
      if let words, target == self.target {
        // A listing or change in the session since we started has fresher words.
        if cache.update(datasets: words.datasets, nodes: words.nodes, ifUpdatesAre: before) {
          if let key = target.key { store.save(key, datasets: words.datasets, nodes: words.nodes) }
        }
        loadedOnce = true
      } else if target == self.target {
        loadedOnce = true  // failed: complete from what we have rather than wait again
      }
      condition.broadcast()
      condition.unlock()
    }
  }
}

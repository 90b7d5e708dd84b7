// The simulated dataset agents, as unkind as Flocker's (reference flocker-convergence.md):
//
// - one convergence step per stage: create → attach → mount; unmount → detach → destroy; a move
//   unmounts and detaches on the old node, then attaches and mounts on the new one;
// - only a reporting agent acts: the attached node's agent unmounts and detaches, the configured
//   node's agent creates, attaches, mounts and destroys; a node whose agent is stopped (or that
//   the cluster never knew) leaves its datasets as they are;
// - the agent holding a lease never unmounts, detaches or destroys that dataset: the step stalls
//   until the lease is released or expires;
// - a stopped agent's node leaves `/v1/state/nodes` and its attached volumes leave the state;
// - optionally (churn, seeded) the state list is shuffled, repeats a dataset as a stale entry
//   listed last, or misses one for a read.
//
// Steps are evaluated lazily against the clock: a change schedules the dataset's next step at
// `now + convergenceDelay` in a min-heap, and `advance(to:)` (before every request and on a 1 s
// timer) applies the due ones. A step that cannot happen (lease, silent agent) parks the dataset
// in `stalled` until something it waits on changes (`wake`).

/// What the agents do next for one dataset.
private enum AgentPlan {
  /// Nothing: the state matches the configuration.
  case converged
  /// Waiting on something other than time (a lease, a backend that cannot make the volume).
  case blocked
  /// The agent of `node` moves the volume to `next` (nil = destroyed).
  case act(node: String, next: StateRecord?)
}

extension ClusterModel {
  // MARK: Agents coming and going

  /// Whether the node's agent is reporting now.
  func isReporting(_ uuid: String) -> Bool {
    reconnectAt == nil && nodeUUIDs.contains(uuid) && !stoppedAgents.contains(uuid)
  }

  /// Nodes as `/v1/state/nodes` lists them: those whose agent reports.
  func reportingNodes() -> [SandboxNode] {
    nodes.filter { isReporting($0.uuid) }
  }

  /// Whether a volume in this stage is in `/v1/state/datasets`: an attached volume is reported by
  /// its node's agent; one attached nowhere by any agent.
  func isVisible(_ state: StateRecord) -> Bool {
    if let node = state.stage.node { return isReporting(node) }
    return reconnectAt == nil && stoppedAgents.count < nodes.count
  }

  /// Stops or starts a node's agent. Returns false for an unknown node.
  func setAgent(_ uuid: String, running: Bool, now: Double) -> Bool {
    guard nodeUUIDs.contains(uuid) else { return false }
    if running {
      guard stoppedAgents.remove(uuid) != nil else { return true }
      wake(now: now)
    } else {
      stoppedAgents.insert(uuid)
    }
    stateBody = nil
    return true
  }

  // MARK: Scheduling

  func schedule(_ position: Int, now: Double) {
    stalled.remove(position)
    guard records[position].nextStep == nil else { return }
    let time = now + convergenceDelay
    records[position].nextStep = time
    heap.push(StepHeap.Entry(time: time, position: position))
  }

  /// Gives every stalled dataset another step (a lease or an agent changed).
  func wake(now: Double) {
    let waiting = stalled
    stalled = []
    for position in waiting where position < records.count { schedule(position, now: now) }
  }

  /// Applies every agent step due at or before `now`.
  func advance(to now: Double) {
    if let reconnect = reconnectAt, reconnect <= now {
      reconnectAt = nil
      stateBody = nil
      wake(now: now)
    }
    while let top = heap.peek(), top.time <= now {
      _ = heap.pop()
      guard top.position < records.count, records[top.position].nextStep == top.time else {
        continue
      }
      records[top.position].nextStep = nil
      if step(top.position) {
        let time = top.time + convergenceDelay
        records[top.position].nextStep = time
        heap.push(StepHeap.Entry(time: time, position: top.position))
      }
    }
  }

  /// One agent action for a dataset. Returns whether another step follows on time alone.
  private func step(_ position: Int) -> Bool {
    let record = records[position]
    switch plan(record) {
    case .converged:
      return false
    case .blocked:
      stalled.insert(position)
      return false
    case .act(let node, let next):
      guard isReporting(node) else {
        stalled.insert(position)
        return false
      }
      records[position].state = next
      records[position].stateJSON = next.map { Self.stateJSON(id: record.id, state: $0) } ?? []
      stateBody = nil
      if case .converged = plan(records[position]) { return false }
      return true
    }
  }

  /// The next stage for a dataset, and whose agent takes it.
  private func plan(_ record: DatasetRecord) -> AgentPlan {
    let holder = lease(record.id)?.nodeUUID
    /// Unmount, detach and destroy never happen on the node holding the lease.
    func release(on node: String, to next: StateRecord?) -> AgentPlan {
      holder == node ? .blocked : .act(node: node, next: next)
    }
    guard let state = record.state else {
      if record.deleted { return .converged }
      // A size beyond 64 bits passes the API, but no backend creates such a volume.
      if record.hugeSize != nil { return .blocked }
      let created = StateRecord(stage: .created, size: actualSize(record.maximumSize))
      return .act(node: record.primary, next: created)
    }
    let wanted = record.deleted ? nil : record.primary
    switch state.stage {
    case .mounted(let node):
      if node == wanted { return .converged }
      return release(on: node, to: StateRecord(stage: .attached(node), size: state.size))
    case .attached(let node):
      if node == wanted {
        return .act(node: node, next: StateRecord(stage: .mounted(node), size: state.size))
      }
      return release(on: node, to: StateRecord(stage: .created, size: state.size))
    case .created:
      if record.deleted { return release(on: record.primary, to: nil) }
      return .act(
        node: record.primary,
        next: StateRecord(stage: .attached(record.primary), size: state.size))
    }
  }

  // MARK: Churn

  /// The state list as a busy cluster serves it: shuffled, sometimes with a stale non-mounted
  /// copy of a mounted dataset listed last, sometimes missing one entry.
  func churnedStateBody() -> [UInt8] {
    guard var random = churn else { return [] }
    defer { churn = random }
    var mounted: [Int] = []
    var others: [Int] = []
    for (position, record) in records.enumerated() {
      guard let state = record.state, isVisible(state) else { continue }
      if case .mounted = state.stage { mounted.append(position) } else { others.append(position) }
    }
    random.shuffle(&mounted)
    random.shuffle(&others)
    if mounted.count + others.count > 0, random.next() % 6 == 0 {
      let miss = Int(random.next() % UInt64(mounted.count + others.count))
      if miss < mounted.count {
        mounted.remove(at: miss)
      } else {
        others.remove(at: miss - mounted.count)
      }
    }
    var entries = (mounted + others).map { records[$0].stateJSON }
    // A stale copy only of a dataset this answer lists (mounted), after it.
    if !mounted.isEmpty, random.next() % 4 == 0 {
      let record = records[mounted[Int(random.next() % UInt64(mounted.count))]]
      let stale = StateRecord(stage: .created, size: record.state!.size)
      entries.append(Self.stateJSON(id: record.id, state: stale))
    }
    var out: [UInt8] = [UInt8(ascii: "[")]
    for (number, entry) in entries.enumerated() {
      if number > 0 { appendASCII(", ", to: &out) }
      out.append(contentsOf: entry)
    }
    out.append(UInt8(ascii: "]"))
    return out
  }
}

/// A small seeded generator (SplitMix64), so a churned run can be replayed from its seed.
struct SplitMix64 {
  private var state: UInt64

  init(_ seed: UInt64) { state = seed }

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  mutating func shuffle(_ items: inout [Int]) {
    guard items.count > 1 else { return }
    for i in stride(from: items.count - 1, to: 0, by: -1) {
      items.swapAt(i, Int(next() % UInt64(i + 1)))
    }
  }
}

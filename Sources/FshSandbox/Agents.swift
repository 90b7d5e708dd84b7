// The simulated dataset agents, as unkind as Flocker's (reference flocker-convergence.md):
//
// - one convergence step per stage: create → attach → mount; unmount → detach → destroy; a move
//   unmounts and detaches on the old node, then attaches and mounts on the new one;
// - only a reporting agent acts: the attached node's agent unmounts and detaches, the configured
//   node's agent creates, attaches, mounts and destroys; a node whose agent is stopped (or that
//   the cluster never knew) leaves its datasets as they are;
// - a lease keeps a volume *mounted* on the holder mounted, and does nothing else (Flocker's
//   `_calculate_desired_state`: "A lease doesn't force a mount"): a volume only attached to the
//   holder is detached, a deleted one that is not mounted is destroyed, lease or not;
// - the state served is each node's manifest (its mounted volumes, as it last reported them)
//   plus one cluster-wide non-manifest list that each agent's report replaces whole: every
//   unattached volume plus those attached, not mounted, to the reporting agent
//   (`control/_model.py`, "last writer wins"). An agent reports after each of its own steps and,
//   when another node changed the unattached volumes, at its next iteration (`kindReports`
//   lists every unmounted volume instead);
// - a stopped agent's node and its mounted volumes stay in the state until `stateExpiry` after
//   it stopped; its era stays known, and the non-manifest list is never wiped;
// - the backend refuses a volume above `maxVolumeSize` or one whose size does not fit in 64 bits:
//   the dataset is never created, and the refusal is logged;
// - optionally (churn, seeded) the state list is shuffled, repeats a dataset as a stale entry
//   listed last, or misses one non-manifest entry for a read.
//
// Steps are evaluated lazily against the clock: a change schedules the dataset's next step in a
// min-heap (after `convergenceDelay`, or upstream's step duration and back-off), and
// `advance(to:)` (before every request and on a 1 s timer) applies the due ones. A step that
// cannot happen (lease, silent agent, refused size) parks the dataset in `stalled` until
// something it waits on changes (`wake`).

/// What the agents do next for one dataset.
private enum AgentPlan {
  /// Nothing: the state matches the configuration.
  case converged
  /// Waiting on something other than time (a lease).
  case blocked
  /// The backend refuses to create the volume (why, for the log).
  case refused(String)
  /// The agent of `node` takes `step`, moving the volume to `next` (nil = destroyed).
  case act(node: String, step: SandboxAgentStep, next: StateRecord?)
}

extension ClusterModel {
  // MARK: Agents coming and going

  /// Whether the node's agent is running and connected now (so it acts).
  func isReporting(_ uuid: String) -> Bool {
    reconnectAt == nil && nodeUUIDs.contains(uuid) && !stoppedAgents.contains(uuid)
  }

  /// Whether the node's state is in the cluster state: it reported since the control service
  /// started and, if its agent stopped, not more than `stateExpiry` ago.
  func isInState(_ uuid: String) -> Bool {
    knownNodes.contains(uuid) && !expiredNodes.contains(uuid)
  }

  /// Nodes as `/v1/state/nodes` lists them.
  func reportingNodes() -> [SandboxNode] {
    nodes.filter { isInState($0.uuid) }
  }

  /// Whether a volume in this stage is in `/v1/state/datasets`.
  func isVisible(_ state: StateRecord) -> Bool {
    switch state.stage {
    case .mounted(let node):
      return isInState(node)
    case .attached(let node):
      return kindReports ? isInState(node) : lastReporter == node
    case .created:
      return kindReports ? nodes.contains { isInState($0.uuid) } : lastReporter != nil
    }
  }

  /// The agent of `uuid` sends its view: its manifest, and the non-manifest list it sees.
  func report(_ uuid: String) {
    knownNodes.insert(uuid)
    lastReporter = uuid
    reportedVersion[uuid] = unattachedVersion
    pendingReports[uuid] = nil
    stateBody = nil
  }

  /// Stops or starts a node's agent. Returns false for an unknown node. `before`: keep it running
  /// until it is about to take that step for any dataset, then stop it.
  func setAgent(
    _ uuid: String, running: Bool, before: SandboxAgentStep? = nil, now: Double
  ) -> Bool {
    guard nodeUUIDs.contains(uuid) else { return false }
    agentStateDirty = true
    if running {
      stopBefore[uuid] = nil
      guard stoppedAgents.remove(uuid) != nil else { return true }
      stoppedAt[uuid] = nil
      expiredNodes.remove(uuid)
      // A restarted agent connects and reports at once.
      if reconnectAt == nil { report(uuid) }
      wake(now: now)
    } else if let before, !stoppedAgents.contains(uuid) {
      stopBefore[uuid] = before
    } else {
      stopAgentNow(uuid, at: now)
    }
    stateBody = nil
    return true
  }

  private func stopAgentNow(_ uuid: String, at time: Double) {
    stopBefore[uuid] = nil
    guard stoppedAgents.insert(uuid).inserted else { return }
    stoppedAt[uuid] = time
    pendingReports[uuid] = nil
    agentStateDirty = true
    if stateExpiry <= 0 {
      expiredNodes.insert(uuid)
      stateBody = nil
    }
  }

  // MARK: Timing

  private var scale: Double? {
    if case .upstream(let scale) = pace { return max(0, scale) }
    return nil
  }

  /// How long a step takes (`.upstream` pace), scaled.
  private func duration(_ step: SandboxAgentStep, scale: Double) -> Double {
    let seconds: Double
    switch step {
    case .create: seconds = SandboxUpstreamTiming.create
    case .attach: seconds = SandboxUpstreamTiming.attach
    case .mount: seconds = SandboxUpstreamTiming.mount
    case .unmount: seconds = SandboxUpstreamTiming.unmount
    case .detach: seconds = SandboxUpstreamTiming.detach
    case .destroy: seconds = SandboxUpstreamTiming.destroy
    }
    return seconds * scale
  }

  /// When an agent that did nothing will next look (another node changed what it sees).
  private func nextIteration(after time: Double) -> Double {
    guard let scale else { return time + convergenceDelay }
    let jitter = Double(idleRandom.next() % 1_000_001) / 1_000_000  // 0...1
    let idle =
      SandboxUpstreamTiming.idle
      * (1 - SandboxUpstreamTiming.idleJitter + 2 * SandboxUpstreamTiming.idleJitter * jitter)
    return time + idle * scale
  }

  /// The sleep of an agent after its `iteration`th unconverged iteration in a row (from 0):
  /// 0.1, 0.4, 1.6, 6.4, then 10 s, unscaled (`flocker/node/_loop.py`).
  static func upstreamBackoff(afterIteration iteration: Int) -> Double {
    let backoff = SandboxUpstreamTiming.backoff
    return backoff[min(max(0, iteration), backoff.count - 1)]
  }

  /// The time of a dataset's next step after `time`, and whether the agent taking it is the
  /// one that took the previous step (`previousNode`; nil: none, the dataset was just woken).
  private func nextStepTime(_ position: Int, after time: Double, previousNode: String?)
    -> (time: Double, sameAgent: Bool)
  {
    guard let scale else { return (time + convergenceDelay, true) }
    let record = records[position]
    guard case .act(let node, let step, _) = plan(record) else {
      // It will stall, or converge: look again after the current back-off.
      return (time + Self.upstreamBackoff(afterIteration: record.attempt) * scale, true)
    }
    guard let previousNode else {
      // Woken by a change that gives it an action: at once.
      return (time + duration(step, scale: scale), true)
    }
    guard previousNode == node else {
      // A move's target polls every 3 s (from when the move began) for the source to let go.
      let poll = SandboxUpstreamTiming.poll * scale
      var wait = 0.0
      if poll > 0 {
        wait = poll - max(0, time - record.since).truncatingRemainder(dividingBy: poll)
      }
      return (time + wait + duration(step, scale: scale), false)
    }
    let backoff = Self.upstreamBackoff(afterIteration: record.attempt) * scale
    return (time + backoff + duration(step, scale: scale), true)
  }

  // MARK: Scheduling

  func schedule(_ position: Int, now: Double) {
    stalled.remove(position)
    guard records[position].nextStep == nil else { return }
    records[position].attempt = 0
    records[position].since = now
    let time = nextStepTime(position, after: now, previousNode: nil).time
    records[position].nextStep = time
    heap.push(StepHeap.Entry(time: time, position: position))
  }

  /// Gives every stalled dataset another step (a lease or an agent changed).
  func wake(now: Double) {
    let waiting = stalled
    stalled = []
    for position in waiting where position < records.count { schedule(position, now: now) }
  }

  /// Applies every agent step, report and expiry due at or before `now`, in time order.
  func advance(to now: Double) {
    if let reconnect = reconnectAt, reconnect <= now {
      reconnectAt = nil
      // Every running agent connects and reports.
      for node in nodes where !stoppedAgents.contains(node.uuid) { report(node.uuid) }
      wake(now: now)
    }
    for (node, time) in stoppedAt where !expiredNodes.contains(node) {
      if time + stateExpiry <= now {
        expiredNodes.insert(node)
        stateBody = nil
      }
    }
    while true {
      let step = heap.peek().flatMap { $0.time <= now ? $0 : nil }
      let pending = pendingReports.min { $0.value < $1.value }.flatMap {
        $0.value <= now ? $0 : nil
      }
      if let pending, step.map({ pending.value <= $0.time }) ?? true {
        pendingReports[pending.key] = nil
        if isReporting(pending.key), reportedVersion[pending.key] != unattachedVersion {
          report(pending.key)
        }
        continue
      }
      guard let top = step else { break }
      _ = heap.pop()
      guard top.position < records.count, records[top.position].nextStep == top.time else {
        continue
      }
      records[top.position].nextStep = nil
      if let actor = self.step(top.position, at: top.time) {
        let (time, sameAgent) = nextStepTime(top.position, after: top.time, previousNode: actor)
        // The back-off counts one agent's unconverged iterations in a row.
        records[top.position].attempt = sameAgent ? records[top.position].attempt + 1 : 0
        records[top.position].nextStep = time
        heap.push(StepHeap.Entry(time: time, position: top.position))
      }
    }
  }

  /// One agent action for a dataset at `time`. Returns the node that acted when another step
  /// follows on time alone.
  private func step(_ position: Int, at time: Double) -> String? {
    let record = records[position]
    switch plan(record) {
    case .converged:
      return nil
    case .blocked:
      stalled.insert(position)
      return nil
    case .refused(let why):
      if refusalLogged.insert(record.id).inserted {
        log("fsh-sandbox: the backend refuses to create the volume of dataset \(record.id): \(why)")
      }
      stalled.insert(position)
      return nil
    case .act(let node, let kind, let next):
      guard isReporting(node) else {
        stalled.insert(position)
        return nil
      }
      if stopBefore[node] == kind {
        stopAgentNow(node, at: time)
        stalled.insert(position)
        return nil
      }
      let wasUnattached = record.state?.stage == .created
      records[position].state = next
      records[position].stateJSON = next.map { Self.stateJSON(id: record.id, state: $0) } ?? []
      agentStateDirty = true
      let unattachedChanged = wasUnattached != (next?.stage == .created)
      if unattachedChanged { unattachedVersion += 1 }
      report(node)
      if unattachedChanged {
        // The other agents see it at their next iteration, and then report.
        for other in nodes where other.uuid != node && isReporting(other.uuid) {
          if pendingReports[other.uuid] == nil {
            pendingReports[other.uuid] = nextIteration(after: time)
          }
        }
      }
      if case .converged = plan(records[position]) { return nil }
      return node
    }
  }

  /// The next stage for a dataset, and whose agent takes it.
  private func plan(_ record: DatasetRecord) -> AgentPlan {
    guard let state = record.state else {
      if record.deleted || record.orphan { return .converged }
      // A size beyond 64 bits passes the API, but no backend creates such a volume.
      if let huge = record.hugeSize {
        return .refused("maximum_size \(huge) does not fit in a 64-bit volume size")
      }
      guard let size = actualSize(record.maximumSize) else {
        return .refused(
          "maximum_size \(record.maximumSize ?? 0) rounded up to the allocation unit "
            + "(\(allocationUnit) bytes) does not fit in a 64-bit volume size")
      }
      if let limit = maxVolumeSize, size > limit {
        return .refused(
          "a volume of \(size) bytes is larger than the backend allows (\(limit) bytes, "
            + "--max-volume-size)")
      }
      return .act(
        node: record.primary, step: .create, next: StateRecord(stage: .created, size: size))
    }
    let wanted = record.deleted || record.orphan ? nil : record.primary
    switch state.stage {
    case .mounted(let node):
      if node == wanted { return .converged }
      // Only a volume mounted on the lease holder is kept there.
      if lease(record.id)?.nodeUUID == node { return .blocked }
      return .act(
        node: node, step: .unmount, next: StateRecord(stage: .attached(node), size: state.size))
    case .attached(let node):
      if node == wanted {
        return .act(
          node: node, step: .mount, next: StateRecord(stage: .mounted(node), size: state.size))
      }
      return .act(
        node: node, step: .detach, next: StateRecord(stage: .created, size: state.size))
    case .created:
      if record.orphan { return .converged }
      if record.deleted { return .act(node: record.primary, step: .destroy, next: nil) }
      return .act(
        node: record.primary, step: .attach,
        next: StateRecord(stage: .attached(record.primary), size: state.size))
    }
  }

  // MARK: Churn

  /// The state list as a busy cluster serves it: shuffled, sometimes with a stale non-mounted
  /// copy of a mounted dataset listed last, sometimes missing one non-manifest entry.
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
    // Only a non-manifest entry can be missing (the last report replaced the list); a node's
    // manifest stays until its node leaves the state.
    if !others.isEmpty, random.next() % 6 == 0 {
      others.remove(at: Int(random.next() % UInt64(others.count)))
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

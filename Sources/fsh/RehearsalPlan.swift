import Foundation
import FshKit
import FshLanguage
import FshModel
import FshRuntime
import FshSandboxProtocol

/// What a rehearsed script would change: its requests as fsh commands, the datasets and leases
/// before and after, and the files it would have written.
struct Plan {
  struct DatasetEntry {
    var id: String
    var name: String?
    var primary: String
    var size: Int?
    var deleted: Bool
  }

  /// The copy's configuration after the script, and what its agents reported then.
  struct After {
    var datasets: [DatasetEntry]
    var leases: [Lease]
    /// The state's entries: dataset id → the node it is mounted on (nil: listed without one).
    var state: [String: String?] = [:]
    /// Nodes whose agents report.
    var reporting: Set<String> = []
  }

  var snapshot: Rehearsal.Snapshot
  var changes: [SandboxLoggedRequest]
  var after: After
  var files: [String]
  var folder: String
  var status: Int32

  // MARK: Reading

  static func json(_ bytes: Data) -> Value? { Value.json(bytes) }

  /// Reads the copy's configuration through `get` (the body of a GET of a path, answered by
  /// the copy outside TLS: no request is logged as the script's).
  static func read(_ get: (String) throws -> Data) throws -> After {
    let datasets = json(try get("/v1/configuration/datasets"))
    let leases = json(try get("/v1/configuration/leases"))
    let state = json(try get("/v1/state/datasets"))
    let nodes = json(try get("/v1/state/nodes"))
    guard let d = datasets?.listValue, let l = leases?.listValue, let s = state?.listValue,
      let n = nodes?.listValue
    else {
      throw Diagnostic("cannot read the copy's configuration after the script", code: .failed)
    }
    var mounted: [String: String?] = [:]
    for entry in s {
      guard let id = entry["dataset_id"]?.stringValue else { continue }
      // A dataset listed twice is read from its mounted entry, as fsh does everywhere.
      let node = entry["primary"]?.stringValue
      if node != nil || mounted[id] == nil { mounted[id] = node }
    }
    return After(
      datasets: d.map(entry),
      leases: l.map {
        Lease(
          datasetID: $0["dataset_id"]?.stringValue ?? "",
          nodeUUID: $0["node_uuid"]?.stringValue ?? "", expires: $0["expires"]?.doubleValue)
      }, state: mounted, reporting: Set(n.compactMap { $0["uuid"]?.stringValue }))
  }

  /// Whether the copy's agents reported the dataset where its configuration wants it when the
  /// script ended, and if not, why not as far as the API shows (a lease on the node where it is
  /// mounted, a node that does not report).
  func convergence(_ d: DatasetEntry) -> (converged: Bool, words: String) {
    let reported = after.state[d.id]
    if d.deleted {
      guard let listed = reported else {
        return (true, "converged: no longer listed by the state")
      }
      guard let on = listed else {
        return (false, "requested, not converged: still listed without a node")
      }
      return (false, "requested, not converged: still mounted on \(node(on))" + blocker(d, on))
    }
    if case .some(.some(let on)) = reported, on == d.primary {
      return (true, "converged: attached on \(node(on))")
    }
    var words = "requested, not converged: "
    switch reported {
    case .some(.some(let on)): words += "still mounted on \(node(on))" + blocker(d, on)
    case .some(.none): words += "listed without a node"
    case .none: words += "not reported by any agent"
    }
    if !after.reporting.contains(d.primary) {
      words += "; its node \(node(d.primary)) does not report"
    }
    return (false, words)
  }

  /// The lease that keeps a dataset mounted on `node`, in words.
  func blocker(_ d: DatasetEntry, _ node: String) -> String {
    guard after.leases.contains(where: { $0.datasetID == d.id && $0.nodeUUID == node }) else {
      return ""
    }
    return " (blocked: leased by node \(self.node(node)), where it is mounted)"
  }

  /// Where the data was before the script: the node the state reported it mounted on, else its
  /// configured node.
  func source(_ id: String) -> String? {
    snapshot.seed.state.first { $0.id == id && $0.primary != nil }?.primary ?? before[id]?.primary
  }

  static func entry(_ d: Value) -> DatasetEntry {
    DatasetEntry(
      id: d["dataset_id"]?.stringValue ?? "", name: d["metadata"]?["name"]?.stringValue,
      primary: d["primary"]?.stringValue ?? "", size: d["maximum_size"]?.intValue,
      deleted: d["deleted"]?.boolValue ?? false)
  }

  /// Files created under the rehearsal's folder (not following links into the real one), but
  /// for those in `unchanged` still holding what the rehearsal itself wrote there.
  static func files(in folder: String, skipping: Set<String>, unchanged: [String: String])
    -> [String]
  {
    var found: [String] = []
    let files = FileManager.default
    func walk(_ relative: String) {
      let full = relative.isEmpty ? folder : folder + "/" + relative
      guard let entries = try? files.contentsOfDirectory(atPath: full) else { return }
      for entry in entries.sorted() where !(relative.isEmpty && skipping.contains(entry)) {
        let path = relative.isEmpty ? entry : relative + "/" + entry
        guard let attributes = try? files.attributesOfItem(atPath: folder + "/" + path) else {
          continue
        }
        switch attributes[.type] as? FileAttributeType {
        case .typeDirectory?: walk(path)
        case .typeRegular?: found.append(path)
        default: continue  // links into the real working directory
        }
      }
    }
    walk("")
    return found.filter { path in
      guard let mine = unchanged[folder + "/" + path] else { return true }
      return (try? String(contentsOfFile: folder + "/" + path, encoding: .utf8)) != mine
    }
  }

  // MARK: Words

  static func count(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }

  /// A word as fsh reads it back: bare when plain, else single-quoted (or the id will do).
  static func quote(_ word: String) -> String {
    let plain =
      !word.isEmpty
      && word.unicodeScalars.allSatisfy {
        CharacterSet.alphanumerics.contains($0) || "._:/-@+".unicodeScalars.contains($0)
      }
    return plain || word.contains("'") ? word : "'\(word)'"
  }

  var before: [String: DatasetEntry] {
    Dictionary(
      snapshot.seed.datasets.map {
        (
          $0.id,
          DatasetEntry(
            id: $0.id, name: $0.metadata.first { $0.key == "name" }?.value, primary: $0.primary,
            size: $0.maximumSize, deleted: $0.deleted)
        )
      }, uniquingKeysWith: { first, _ in first })
  }

  func node(_ uuid: String) -> String {
    let host = snapshot.seed.nodes.first { $0.uuid == uuid }?.host
    return String(uuid.prefix(8)) + (host.map { " (\($0))" } ?? "")
  }

  func label(_ id: String, names: [String: String]) -> String {
    names[id].map { "\(Plan.quote($0)) (\(id.prefix(8)))" } ?? String(id.prefix(8))
  }

  /// Each mutating request as the fsh command a person reads.
  func commands() -> [(SandboxLoggedRequest, String)] {
    var names: [String: String] = [:]
    var primaries: [String: String] = [:]
    var mountedBefore: [String: String] = [:]
    for (id, d) in before {
      names[id] = d.name
      primaries[id] = d.primary
      mountedBefore[id] = source(id)
    }
    var out: [(SandboxLoggedRequest, String)] = []
    for change in changes {
      let body = Self.json(change.body) ?? .null
      let answer = Self.json(change.response) ?? .null
      let parts = change.path.split(separator: "/").map(String.init)
      var text: String
      switch (change.method, parts.count > 2 ? parts[1] + "/" + parts[2] : "", parts.count) {
      case ("POST", "configuration/datasets", 3):
        let name = body["metadata"]?["name"]?.stringValue
        let size = body["maximum_size"]?.intValue.map { Sizes.format($0) } ?? "default"
        let primary = body["primary"]?.stringValue ?? ""
        text = "create \(name.map(Plan.quote) ?? "(no name)") \(size) on \(node(primary))"
        if let id = answer["dataset_id"]?.stringValue {
          text += " (new id \(id.prefix(8)))"
          names[id] = name
          primaries[id] = primary
        }
      case ("POST", "configuration/datasets", 4):
        let id = parts[3]
        let to = body["primary"]?.stringValue ?? ""
        let from = mountedBefore[id] ?? primaries[id]
        text = "move \(label(id, names: names)) \(from.map(node) ?? "?") → \(node(to))"
        if (200..<300).contains(change.status) {
          primaries[id] = to
          mountedBefore[id] = nil
        }
      case ("DELETE", "configuration/datasets", 4):
        text = "destroy \(label(parts[3], names: names))"
      case ("POST", "configuration/leases", 3):
        let id = body["dataset_id"]?.stringValue ?? ""
        let expiry = body["expires"]?.doubleValue.map { "for " + Durations.format($0) }
        text =
          "lease acquire \(label(id, names: names)) on \(node(body["node_uuid"]?.stringValue ?? ""))"
          + " \(expiry ?? "(no expiry)")"
      case ("DELETE", "configuration/leases", 4):
        text = "lease release \(label(parts[3], names: names))"
      default:
        text = "api \(change.method) \(change.path)"
      }
      if !(200..<300).contains(change.status) {
        let reason = answer["description"]?.stringValue.map { ": \($0)" } ?? ""
        text += "  [refused: HTTP \(change.status)\(reason)]"
      }
      out.append((change, text))
    }
    return out
  }

  // MARK: The result

  var result: CommandResult {
    let old = before
    let new = Dictionary(after.datasets.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
    let added = after.datasets.filter { old[$0.id] == nil }
    let moved = after.datasets.filter { d in
      guard let was = old[d.id] else { return false }
      return !d.deleted && was.primary != d.primary
    }
    let deleted = after.datasets.filter { d in d.deleted && !(old[d.id]?.deleted ?? true) }
    let leasesBefore = snapshot.seed.leases
    let acquired = after.leases.filter { l in
      !leasesBefore.contains { $0.datasetID == l.datasetID && $0.nodeUUID == l.nodeUUID }
    }
    let released = leasesBefore.filter { l in
      !after.leases.contains { $0.datasetID == l.datasetID && $0.nodeUUID == l.nodeUUID }
    }
    var names: [String: String] = [:]
    for d in old.values { names[d.id] = d.name }
    for d in new.values { names[d.id] = d.name }
    let commands = commands()

    func dataset(_ d: DatasetEntry, _ extra: [(String, Value)] = []) -> Value {
      let (converged, words) = convergence(d)
      return .record(
        Record(
          [
            ("dataset_id", .string(d.id)), ("name", d.name.map(Value.string) ?? .null),
            ("size", d.size.map(Value.int) ?? .null), ("node", .string(d.primary)),
          ] + extra + [("converged", .bool(converged)), ("outcome", .string(words))]))
    }
    func lease(_ l: Lease) -> Value {
      .record(
        Record([
          ("dataset_id", .string(l.datasetID)),
          ("name", names[l.datasetID].map(Value.string) ?? .null),
          ("node", .string(l.nodeUUID)), ("expires", l.expires.map(Value.double) ?? .null),
        ]))
    }
    let value = Value.record(
      Record([
        ("cluster", .string(snapshot.label)), ("address", .string(snapshot.address)),
        ("tag", snapshot.tag.map(Value.string) ?? .null), ("status", .int(Int(status))),
        ("not_copied", .list(Rehearsal.notCopied.map(Value.string))),
        (
          "requests",
          .list(
            commands.map { change, text in
              .record(
                Record([
                  ("method", .string(change.method)), ("path", .string(change.path)),
                  ("status", .int(change.status)), ("command", .string(text)),
                ]))
            })
        ),
        ("added", .list(added.map { dataset($0) })),
        (
          "moved",
          .list(moved.map { dataset($0, [("from", .string(source($0.id) ?? ""))]) })
        ),
        ("deleted", .list(deleted.map { dataset($0) })),
        ("leases_acquired", .list(acquired.map(lease))),
        ("leases_released", .list(released.map(lease))),
        ("files", .list(files.map { .string(folder + "/" + $0) })),
      ]))

    var text = "\n== rehearsal of '\(snapshot.label)' (\(snapshot.address)): "
    text +=
      "a copy of \(Plan.count(snapshot.seed.datasets.count, "dataset")), "
      + "\(Plan.count(snapshot.seed.nodes.count, "node")), "
      + "\(Plan.count(snapshot.seed.leases.count, "lease")); nothing was sent to it but reads\n"
    text += "   not copied: \(Rehearsal.notCopied.joined(separator: "; "))\n"
    text += "script exit status: \(status)\n"
    text += "plan: \(commands.count) change\(commands.count == 1 ? "" : "s") requested\n"
    for (number, (_, command)) in commands.enumerated() { text += "  \(number + 1). \(command)\n" }
    let changed = added + moved + deleted
    let converged = changed.filter { convergence($0).converged }.count
    text +=
      "datasets: \(added.count) added, \(moved.count) moved, \(deleted.count) deleted "
      + "(requested; \(converged) of \(changed.count) converged before the script ended); "
      + "leases: \(acquired.count) acquired, \(released.count) released or expired\n"
    for d in added {
      text +=
        "  + \(label(d.id, names: names)) \(d.size.map(Sizes.format) ?? "default") on \(node(d.primary))"
        + " — \(convergence(d).words)\n"
    }
    for d in moved {
      text +=
        "  ~ \(label(d.id, names: names)) \(node(source(d.id) ?? "")) → \(node(d.primary))"
        + " — \(convergence(d).words)\n"
    }
    for d in deleted {
      text += "  - \(label(d.id, names: names)) — \(convergence(d).words)\n"
    }
    for l in acquired {
      text += "  + lease \(label(l.datasetID, names: names)) on \(node(l.nodeUUID))\n"
    }
    for l in released {
      text += "  - lease \(label(l.datasetID, names: names)) on \(node(l.nodeUUID))\n"
    }
    if !files.isEmpty {
      text += "files it would have written (kept in \(folder)):\n"
      for f in files { text += "  \(f)\n" }
    }
    return CommandResult(value, .rendered(text))
  }
}

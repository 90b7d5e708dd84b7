import Foundation
import FshClient
import FshLanguage

/// `nodes` and the lease commands.
enum NodesAndLeases {
  struct Nodes: DeclaredCommand {
    @Arg(["--long", "-l"], "full node ids") var long: Bool
    static let help = CommandHelp(
      ["nodes"], summary: "list the nodes whose agents report to the control service",
      parameters: declared,
      discussion:
        "A node appears only while its agent is connected (state expires after 120 s). Two nodes with one UUID, or one UUID flipping between hosts, mean a copied node.crt."
    )
    func run(in context: CommandContext) throws -> CommandResult {
      let view = try Datasets.loadView(context)
      var attached: [String: Int] = [:]
      var configured: [String: Int] = [:]
      for d in view.datasets {
        if let p = d.state?.primary { attached[p, default: 0] += 1 }
        if d.configuration.deleted { continue }
        if let p = d.configuration.primary { configured[p, default: 0] += 1 }
      }
      let rows = view.nodes.map { n -> Value in
        .record(
          Record([
            ("uuid", .string(n.uuid)), ("host", .string(n.host)),
            ("attached", .int(attached[n.uuid] ?? 0)), ("datasets", .int(configured[n.uuid] ?? 0)),
          ]))
      }
      let hosts = Dictionary(grouping: view.nodes, by: \.host).filter { $0.value.count > 1 }
      for (h, ns) in hosts {
        context.warn(
          "\(ns.count) nodes report host \(h)",
          notes: ["each node needs its own node certificate; a copied node.crt makes nodes collide"]
        )
      }
      if rows.isEmpty {
        context.note(
          "no node is reporting: are the dataset agents running and pointed at this control service?"
        )
      }
      return CommandResult(
        .list(rows),
        .table([
          Column(
            "uuid", "NODE", whole: long,
            cell: { long ? $0["uuid"]?.text ?? "" : String(($0["uuid"]?.text ?? "").prefix(8)) }),
          Column("host", whole: true), Column("attached", alignRight: true),
          Column("datasets", "CONFIGURED", alignRight: true),
        ]), emptyNote: "")
    }
  }

  static func leaseRow(_ l: Lease, _ view: ClusterView) -> Value {
    let d = view.datasets.first { $0.configuration.datasetID == l.datasetID }
    let n = view.nodes.first { $0.uuid == l.nodeUUID }
    return .record(
      Record([
        ("dataset_id", .string(l.datasetID)), ("name", .from(d?.configuration.name)),
        ("node_uuid", .string(l.nodeUUID)), ("host", .from(n?.host)),
        ("expires", NodesAndLeases.expiry(l.expires)),
      ]))
  }

  /// A lease's expiry: whole seconds from now as a number (null: never); tables and records
  /// show it as a duration (see `Formatter`).
  static func expiry(_ seconds: Double?) -> Value {
    guard let seconds, seconds.isFinite else { return .null }
    return .int(Int(max(0, seconds).rounded()))
  }

  struct Leases: DeclaredCommand {
    @Arg(["--long", "-l"], "full dataset and node ids") var long: Bool
    static let help = CommandHelp(
      ["leases"], summary: "list leases: which node holds which dataset, and for how long",
      parameters: declared,
      discussion:
        "A lease keeps a volume mounted on the node holding it, while it is mounted there: its agent then does not unmount it for a move or a delete. It does nothing else (a volume only attached, or not attached, is still detached and destroyed) and it does not block API calls. EXPIRES is a duration from now (in JSON: seconds, null for never)."
    )
    func run(in context: CommandContext) throws -> CommandResult {
      let view = try Datasets.loadView(context)
      let leases = try context.cluster { try $0.leases() }
      let rows = leases.sorted { $0.datasetID < $1.datasetID }.map {
        NodesAndLeases.leaseRow($0, view)
      }
      return CommandResult(
        .list(rows),
        .table([
          Column(
            "dataset_id", "DATASET", whole: long,
            cell: {
              long ? $0["dataset_id"]?.text ?? "" : String(($0["dataset_id"]?.text ?? "").prefix(8))
            }),
          Column("name"),
          Column(
            "node_uuid", "NODE", whole: long,
            cell: { r in
              let full = r["node_uuid"]?.text ?? ""
              let id = long ? full : String(full.prefix(8))
              if case .string(let h)? = r["host"] { return "\(id) (\(h))" }
              return id
            }),
          Column("expires"),
        ]),
        emptyNote: "no leases")
    }
  }

  struct Acquire: DeclaredCommand {
    @Arg(.dataset) var ref: DatasetRef
    @Arg(.node("on", "the node that holds the lease")) var node: NodeRef
    @Arg(.duration("for", "expire after this long (default: never)", label: "duration"))
    var duration: Seconds?
    static let help = CommandHelp(
      ["lease", "acquire"], summary: "acquire or renew a lease on a dataset for a node",
      parameters: declared,
      examples: ["lease acquire db on 10.0.0.3 for 10m"])
    func run(in context: CommandContext) throws -> CommandResult {
      let view = try Datasets.loadView(context)
      let d = try view.dataset(ref)
      let n = try view.node(node)
      let (lease, renewed) = try context.cluster { client in
        do {
          return try client.acquireLease(
            datasetID: d.configuration.datasetID, nodeUUID: n.uuid, expires: duration?.seconds)
        } catch let e as ClientError where e.code == .http && e.status == 409 {
          // Another node holds it: say which, and how to take it over.
          let holder = try? client.leases().first { $0.datasetID == d.configuration.datasetID }
          guard let holder else { throw e }
          let expiry = holder.expires.map { "for another \(Durations.format(max(0, $0)))" }
          throw Diagnostic(
            "'\(ref.text)' is already leased by node "
              + Whereabouts.label(uuid: holder.nodeUUID, in: view) + " "
              + (expiry ?? "with no expiry"), code: .leased,
            notes: [
              "a dataset has one lease at a time; release it first: lease release "
                + Whereabouts.quote(ref.text)
            ], range: ref.range)
        }
      }
      if renewed { context.note("renewed the lease held by \(n.uuid.prefix(8))") }
      return CommandResult(NodesAndLeases.leaseRow(lease, view), .record)
    }
  }

  struct Release: DeclaredCommand {
    @Arg(.dataset) var ref: DatasetRef
    static let help = CommandHelp(
      ["lease", "release"], summary: "release the lease on a dataset, whichever node holds it",
      parameters: declared,
      discussion:
        "Shows the lease that was released, with `status: released` instead of when it would have expired."
    )
    func run(in context: CommandContext) throws -> CommandResult {
      let view = try Datasets.loadView(context)
      let d = try view.dataset(ref, includeDeleted: true)
      let lease = try context.cluster { try $0.releaseLease(datasetID: d.configuration.datasetID) }
      // The lease is gone: not `expires: never`, which reads as a lease held for ever.
      var row = NodesAndLeases.leaseRow(lease, view)
      if case .record(var r) = row {
        r["expires"] = nil
        r["status"] = .string("released")
        row = .record(r)
      }
      return CommandResult(row, .record)
    }
  }
}

import Foundation
import FshClient
import FshLanguage

/// Commands that change datasets: create, destroy, move, and wait for convergence.
extension Datasets {
  struct Create: Command {
    static let name = Parameter.positional(
      "NAME", "stored as metadata 'name' (Kubernetes finds datasets by it)")
    static let size = Parameter.positional(
      "SIZE",
      "10G, 1.5T, 512M, 10Gi or bytes; at least 64M; units are binary (10G = 10Gi = 10GB = 10×1024³ bytes)",
      completion: .values(["1G", "10G", "50G", "100G"]))
    static let on = Parameter.keyword(
      "on", "NODE", "the primary node: a unique id prefix or its host IP", completion: .node,
      required: true)
    static let meta = Parameter.keyword(
      "meta", "K=V", "more metadata (16 keys at most, 256 characters each)", repeats: true)
    static let id = Parameter.keyword(
      "id", "UUID", "the dataset id to use (a version 4 UUID); default: a new one",
      label: "dataset id")
    static let force = Parameter.flag(
      ["--force"], "create even when a live dataset already has this name")
    static let yes = Parameter.flag(
      ["--yes", "-y"], "do not ask about a size above 64T (needed in scripts)")
    static let help = CommandHelp(
      ["create"], summary: "create a named dataset on a node",
      parameters: [name, size, on, meta, id, force, yes],
      discussion: """
        A second live dataset with the same name is refused (Kubernetes would pick one silently) \
        unless --force. The check and the create are one conditional request \
        (X-If-Configuration-Matches), retried when another change got in between, so two \
        operators cannot both pass it. The result is the new dataset; it is pending until an agent \
        attaches it (see `wait`).
        """,
      examples: [
        "create my-volume 50G on 265a0498",
        "let ds = create \"$app-data\" 10G on $node meta team=storage",
      ])
    var name: CommandArgument
    var size: Int
    var node: CommandArgument
    var metadata: [String: String] = [:]
    var id: String?
    var force: Bool
    var yes: Bool
    init(arguments: inout Arguments) throws {
      force = arguments.flag(Self.force)
      yes = arguments.flag(Self.yes)
      node = arguments.value(Self.on)
      if let i = arguments.optional(Self.id) {
        guard UUIDs.isV4(i.text) else {
          throw arguments.invalid(
            i, of: Self.id, notes: ["the API accepts version 4 UUIDs only, e.g. from uuidgen"])
        }
        id = i.text.lowercased()
      }
      let pairs = try arguments.all(Self.meta).map { try Metadata.pair($0) }
      name = arguments.value(Self.name)
      // Measured as the server measures it: Unicode code points.
      guard !name.text.isEmpty, name.text.unicodeScalars.count <= 256 else {
        throw Diagnostic.usage(
          "invalid dataset name '\(name.text)'",
          notes: ["give a name of 1 to 256 characters (Unicode code points)"],
          range: name.range)
      }
      let s = arguments.value(Self.size)
      do { size = try Sizes.parse(s.text) } catch var d as Diagnostic {
        d.range = s.range
        throw d
      }
      for (k, v) in pairs {
        if k == "name" {
          throw Diagnostic.usage(
            "the name is the first argument, not 'meta name=…'", range: name.range)
        }
        metadata[k] = v
      }
      metadata["name"] = name.text
      if metadata.count > 16 {
        throw Diagnostic.usage(
          "\(metadata.count) metadata keys (with 'name'): the API allows 16", range: name.range)
      }
    }
    func run(in context: CommandContext) throws -> CommandResult {
      if size > Sizes.confirmAbove && !yes {
        let question =
          "create '\(name.text)' with \(Sizes.format(size)) (\(size) bytes), above 64T?"
        guard let answer = context.confirm(question) else {
          throw Diagnostic.usage(
            "a size above 64T (\(Sizes.format(size))) needs --yes when fsh cannot ask",
            notes: ["check the unit (\(Sizes.unitsNote)); add --yes if it is meant"],
            range: context.range)
        }
        guard answer else { return context.inform("did not create '\(name.text)'") }
      }
      if name.text.contains("/") {
        context.warn(
          "Kubernetes rejects a datasetName containing '/'",
          notes: ["use datasetUUID for this dataset"])
      }
      // fsh's own id, so that a create whose answer was lost is recognised as ours when it is
      // tried again or found in the configuration (never "already exists" for our own create).
      let datasetID = id ?? UUIDs.newV4()
      return try context.cluster { client -> CommandResult in
        // Whether a POST may have reached the service (its answer lost, or refused as ours).
        var sent = false
        // The last failure of the service itself (not a 412), when tries run out on it.
        var lastFault: ClientError?
        // Up to 20 tries, like Flocker's own conditional_create.
        for _ in 0..<20 {
          let view = try ClusterView.load(client)
          if let mine = view.datasets.first(where: { $0.configuration.datasetID == datasetID }) {
            guard sent, mine.configuration.name == name.text else {
              throw Diagnostic(
                "a dataset with id '\(datasetID)' already exists", code: .exists,
                notes: [
                  "it is \(Whereabouts.name(mine)); leave 'id' out to get a new id"
                ], range: name.range)
            }
            return created(mine, view: view, context: context)
          }
          let target = try resolveNode(view)
          let twins = view.datasets.filter {
            !$0.configuration.deleted && $0.configuration.name == name.text
          }
          if !twins.isEmpty && !force {
            throw Diagnostic(
              "a dataset named '\(name.text)' already exists", code: .exists,
              notes: [
                "existing: "
                  + twins.map { "\($0.configuration.datasetID) (\($0.status.rawValue))" }.joined(
                    separator: ", "),
                "Kubernetes finds datasets by name; add --force to create a second one anyway",
              ], range: name.range)
          }
          do {
            sent = true
            let made = try client.createDataset(
              primary: target.uuid, datasetID: datasetID, maximumSize: size, metadata: metadata,
              ifConfigurationMatches: view.tag)
            let v = DatasetView(
              configuration: made, state: nil, status: .pending,
              node: view.nodes.first { $0.uuid == made.primary })
            return created(v, view: view, context: context)
          } catch let e as ClientError where e.code == .precondition {
            try context.checkCancelled()
            continue  // Someone changed the configuration between our read and our create.
          } catch let e as ClientError
            where (e.code == .http && e.status == 409) || e.code == .connectionDropped
            || e.code == .serverError
          {
            // Ours went through and its answer was lost (409: the id exists), or the service
            // failed: the next read says which.
            try context.checkCancelled()
            lastFault = e
            if context.options.verbose {
              context.session.host?.trace(
                "* create '\(name.text)': \(e.message); reading the configuration again")
            }
            continue
          }
        }
        if let lastFault { throw Diagnostic(lastFault, verbose: context.options.verbose) }
        throw Diagnostic(
          "the configuration kept changing: gave up after 20 tries", code: .conflict,
          notes: ["something changes it constantly (lease churn?); try again, or use --force"])
      }
    }

    /// The result of a create, and its words for completion.
    func created(_ v: DatasetView, view: ClusterView, context: CommandContext) -> CommandResult {
      var words = view.completionWords
      words.datasets += [name.text, String(v.configuration.datasetID.prefix(8))]
      context.session.names.update(datasets: words.datasets, nodes: words.nodes)
      return CommandResult(v.value, .record)
    }

    func resolveNode(_ view: ClusterView) throws -> Node {
      do {
        return try view.node(node.text)
      } catch let e as ClusterView.LookupError {
        var d = Diagnostic(e)
        // A full UUID of a node that is not reporting is accepted by the API; say so instead.
        if UUIDs.isV4(node.text), d.code == .notFound {
          d.notes.insert(
            "the node '\(node.text)' is not reporting; start its agent first, or the dataset stays pending",
            at: 0)
        }
        d.range = node.range
        throw d
      }
    }
  }

  struct Destroy: Command {
    static let dataset = Parameter.positional(
      "NAME|ID", "a name or a unique id prefix", completion: .dataset)
    static let yesFlag = Parameter.flag(["--yes", "-y"], "do not ask (needed in scripts)")
    static let help = CommandHelp(
      ["destroy"], summary: "delete a dataset (asks first on a terminal)",
      parameters: [dataset, yesFlag],
      discussion: """
        The dataset stays in the configuration marked deleted; its agent unmounts, detaches and \
        destroys the volume (status deleting, then deleted). A lease held by the node where the \
        volume is mounted keeps it mounted there until the lease is released or expires (fsh \
        warns); a lease anywhere else does not stop the deletion, as in Flocker.
        """)
    var ref: CommandArgument
    var yes: Bool
    init(arguments: inout Arguments) throws {
      yes = arguments.flag(Self.yesFlag)
      ref = arguments.value(Self.dataset)
    }
    func run(in context: CommandContext) throws -> CommandResult {
      let view = try Datasets.loadView(context)
      let v = try view.dataset(ref)
      let label = "\(v.configuration.name.map { "'\($0)' " } ?? "")\(v.configuration.datasetID)"
      if !yes {
        guard let answer = context.confirm("destroy dataset \(label) and its data?") else {
          throw Diagnostic.usage(
            "'destroy' needs --yes when it cannot ask",
            notes: ["add --yes: destroy \(ref.text) --yes"], range: ref.range)
        }
        guard answer else { return context.inform("kept \(label)") }
      }
      _ = context.inform("destroying dataset \(label)")
      let leases = try context.cluster { try $0.leases() }
      let deleted = try context.cluster {
        try $0.deleteDataset(v.configuration.datasetID, ifConfigurationMatches: nil)
      }
      var out = v
      out.configuration = deleted
      out.status = ClusterView.status(
        deleted, state: v.state, configuredNodeReporting: v.node != nil)
      Datasets.warnIfLeased(out, leases: leases, view: view, ref: ref.text, context: context)
      return CommandResult(out.value, .record)
    }
  }

  struct Move: Command {
    static let dataset = Parameter.positional(
      "NAME|ID", "a name or a unique id prefix", completion: .dataset)
    static let to = Parameter.keyword(
      "to", "NODE", "the new primary: a unique id prefix or its host IP", completion: .node,
      required: true)
    static let help = CommandHelp(
      ["move"], summary: "move a dataset to another node",
      parameters: [dataset, to],
      discussion: """
        The agents unmount and detach it on the old node, then attach and mount it on the new \
        one; until then its status is moving (`wait NAME attached` waits for the end). A lease \
        held by the old node, where the volume is mounted, stops the move there until the lease \
        is released or expires: the request is accepted all the same, and fsh warns.
        """,
      examples: ["move db to 10.0.0.3", "move $ds to 4f2a"])
    var ref: CommandArgument
    var target: CommandArgument
    init(arguments: inout Arguments) throws {
      target = arguments.value(Self.to)
      ref = arguments.value(Self.dataset)
    }
    func run(in context: CommandContext) throws -> CommandResult {
      let view = try Datasets.loadView(context)
      let v = try view.dataset(ref)
      let node = try view.node(target)
      if v.configuration.primary == node.uuid {
        context.note("'\(ref.text)' is already configured on \(node.uuid.prefix(8)) (\(node.host))")
      }
      _ = context.inform(
        "moving dataset \(v.configuration.name.map { "'\($0)' " } ?? "")\(v.configuration.datasetID) "
          + "to node \(node.uuid) (\(node.host))")
      let leases = try context.cluster { try $0.leases() }
      let moved = try context.cluster {
        try $0.moveDataset(v.configuration.datasetID, to: node.uuid)
      }
      var out = v
      out.configuration = moved
      out.node = node
      out.status = ClusterView.status(moved, state: v.state, configuredNodeReporting: true)
      Datasets.warnIfLeased(out, leases: leases, view: view, ref: ref.text, context: context)
      return CommandResult(out.value, .record)
    }
  }

  struct Wait: Command {
    static let dataset = Parameter.positional(
      "NAME|ID", "a name or a unique id prefix", completion: .dataset)
    static let status = Parameter.positional(
      "STATUS", "attached, detached or deleted", choices: ["attached", "detached", "deleted"])
    static let on = Parameter.keyword(
      "on", "NODE", "attached on this node (after a move)", completion: .node)
    static let timeoutKeyword = Parameter.keyword(
      "timeout", "DURATION", "give up after this long (default 2m, like the kubelet)")
    static let settleKeyword = Parameter.keyword(
      "settle", "DURATION",
      "deleted: how long the state must not list it (default 20s, longer than an agent's back-off)")
    static let help = CommandHelp(
      ["wait"], summary: "wait until a dataset is attached, detached or deleted",
      parameters: [dataset, status, on, timeoutKeyword, settleKeyword],
      discussion: """
        Polls the state until the agents report what was asked: attached means mounted on its \
        configured node (on NODE, when given). Flocker's state cannot confirm a destruction: it \
        drops a volume that is attached but not mounted whenever another node reports. So \
        deleted means its configured node reports and the state has not listed the dataset in \
        any read for the settle window (20s, longer than an agent's longest back-off of 10s); \
        every read that lists it starts the window again. On a terminal it shows what it waits \
        for and what blocks it (a lease on a mounted volume, a node that does not report); at \
        the timeout it fails saying where the dataset is, where it should be, and the fix. \
        Ctrl-C stops it.
        """,
      examples: [
        "wait $ds attached timeout 2m", "wait db attached on 10.0.0.3",
        "wait old deleted settle 30s",
      ])
    var ref: CommandArgument
    var want: DatasetStatus
    var node: CommandArgument?
    var timeout: Double = 120
    var settle: Double = 20
    init(arguments: inout Arguments) throws {
      node = arguments.optional(Self.on)
      timeout = try arguments.duration(Self.timeoutKeyword) ?? timeout
      settle = try arguments.duration(Self.settleKeyword) ?? settle
      ref = arguments.value(Self.dataset)
      want = DatasetStatus(rawValue: arguments.value(Self.status).text)!
    }

    func run(in context: CommandContext) throws -> CommandResult {
      let deadline = Date().addingTimeInterval(timeout)
      defer { context.progress(nil) }
      var view = try Datasets.loadView(context)
      let seen = context.session.sightings
      let id = try view.dataset(ref, includeDeleted: want == .deleted).configuration.datasetID
      let nodeID = try node.map { try view.node($0).uuid }
      // Since when every read found the deleted dataset unlisted (with its node reporting).
      var absentSince: Date?
      // Whether any read listed the dataset.
      var everListed = false
      var delay = 0.2
      while true {
        guard let v = view.datasets.first(where: { $0.configuration.datasetID == id }) else {
          throw Diagnostic(
            "dataset '\(ref.text)' disappeared from the configuration", code: .notFound)
        }
        if v.state != nil { everListed = true }
        let reached: Bool
        switch want {
        case .attached:
          reached = v.status == .attached && (nodeID == nil || v.state?.primary == nodeID)
        case .detached:
          reached = v.status == .detached
        default:
          absentSince = v.status == .deleted ? (absentSince ?? Date()) : nil
          reached = absentSince.map { -$0.timeIntervalSinceNow >= settle } ?? false
        }
        if reached {
          context.progress(nil)
          let text =
            want == .deleted
            ? "\(Whereabouts.name(v)) is deleted: the state has not listed it for "
              + "\(Durations.format(settle)) while its node reports (the API cannot confirm "
              + "that the volume was destroyed)\n"
            : "\(Whereabouts.name(v)) is \(Whereabouts.describe(v, seen: seen))\n"
          return CommandResult(v.value, .rendered(text))
        }
        // Not there yet: what blocks it (one more request, only while waiting).
        let leases = try context.cluster { try $0.leases() }
        let last = seen.lastListed(id)
        if Date() >= deadline {
          context.progress(nil)
          let blockers = v.blockers(
            leases: leases, nodes: view.nodes, lastMountedOn: last?.node,
            neverReported: !everListed && last == nil)
          throw timedOut(
            v, blockers: blockers, absentSince: absentSince, view: view, nodeID: nodeID,
            seen: seen)
        }
        let blockers = v.blockers(leases: leases, nodes: view.nodes, lastMountedOn: last?.node)
        let waited = Int(timeout - deadline.timeIntervalSinceNow)
        let what =
          blockers.first.map { Whereabouts.brief($0, seen: seen) }
          ?? absentSince.map {
            "not listed for \(Int(-$0.timeIntervalSinceNow))s of \(Int(settle))s"
          }
          ?? Whereabouts.brief(v)
        context.progress(
          "waiting for '\(ref.text)' to be \(want.rawValue): \(what) "
            + "(\(waited)s of \(Durations.format(timeout)))")
        try context.session.sleep(seconds: min(delay, max(0, deadline.timeIntervalSinceNow)))
        delay = min(delay * 1.5, 2)
        view = try Datasets.loadView(context)
      }
    }

    /// The timeout error: where the dataset is, where it should be, what blocks it and the fix.
    func timedOut(
      _ v: DatasetView, blockers: [Blocker], absentSince: Date?, view: ClusterView,
      nodeID: String?, seen: Sightings
    ) -> Diagnostic {
      // Where it should be: the node asked for, or its configured node.
      let wanted = nodeID ?? (want == .attached ? v.configuration.primary : nil)
      let target =
        wanted.map { uuid in
          " on "
            + (view.nodes.first { $0.uuid == uuid }.map(Whereabouts.label)
              ?? Whereabouts.former(uuid, seen: seen))
        } ?? ""
      var notes = ["it is \(Whereabouts.describe(v, seen: seen))"]
      for blocker in blockers {
        let (message, fix) = Whereabouts.words(blocker, ref: ref.text, seen: seen)
        notes.append("blocked: \(message)")
        notes.append(fix)
      }
      if want == .deleted, let absentSince {
        notes.append(
          "the state has not listed it for \(Int(-absentSince.timeIntervalSinceNow))s of the "
            + "\(Durations.format(settle)) settle window: Flocker's state drops a volume that is "
            + "attached but not mounted whenever another node reports, so that is not yet a "
            + "deletion")
      }
      if blockers.isEmpty, v.status == .pending || v.status == .detached || v.status == .moving {
        let host = v.node?.host ?? "its node"
        notes.append(
          "nothing the API shows blocks it: agents converge asynchronously; check the dataset "
            + "agent's log on \(host), or wait longer with 'timeout'")
      }
      return Diagnostic(
        "dataset '\(ref.text)' is not \(want.rawValue)\(target) after \(Durations.format(timeout))",
        code: .timeout, notes: notes, range: ref.range)
    }
  }
}

extension Datasets {
  /// After a move or destroy: when a lease keeps the mounted volume where it is, says so at
  /// once; a lease that does not (the volume is not mounted on the holder) is only noted.
  static func warnIfLeased(
    _ v: DatasetView, leases: [Lease], view: ClusterView, ref: String, context: CommandContext
  ) {
    guard let lease = v.lease(in: leases) else { return }
    let holder = Whereabouts.label(uuid: lease.nodeUUID, in: view)
    if v.isBlocked(by: lease) {
      let (_, fix) = Whereabouts.words(
        .lease(node: Node(uuid: lease.nodeUUID, host: ""), expires: lease.expires), ref: ref)
      let until = lease.expires == nil ? "released" : "released or expires"
      context.warn(
        "'\(ref)' is leased by node \(holder), where it is mounted: its agent keeps it mounted "
          + "there until the lease is \(until)", notes: [fix])
    } else if !v.configuration.deleted && v.configuration.primary == lease.nodeUUID {
      return
    } else {
      context.note(
        "'\(ref)' is leased by node \(holder), but the lease does not hold it: the volume is not "
          + "mounted there, and a lease keeps only a mounted volume mounted")
    }
  }
}

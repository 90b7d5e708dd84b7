import Foundation
import FshClient
import FshLanguage
import FshModel
import FshPKI
import FshRuntime

/// What `doctor` finds in the session's cluster: every check an operator would otherwise run by
/// hand, each a line with a verdict and its fix. A problem stops a dataset from converging or a
/// client from connecting; a warning is something to look at. The lists are read once each.
struct Doctor {
  /// The checks, in order: D1 configuration, D2 certificates, D3 connection, D4 agents,
  /// D5 convergence, D6 leases, D7 names, D8 unknown nodes.
  var checks: [CertificateCheck] = []
  /// What `clusters --check` shows of it.
  var reachable = false
  var version: String?
  var nodesReporting: Int?
  var datasets: Int?
  var notConverged: Int?
  /// The soonest expiry among the client's certificates, when they could be read.
  var soonestExpiry: Date?

  var problems: Int { checks.filter { $0.status == .fail }.count }
  var warnings: Int { checks.filter { $0.status == .warn }.count }

  /// Examines the session's cluster.
  static func examine(_ context: CommandContext) throws -> Doctor {
    var d = Doctor()
    let c = context.configuration
    d.configuration(c)
    d.certificates(c)
    guard d.connect(context) else { return d }
    let view = try Datasets.loadView(context)
    let leases: [Lease]
    do {
      leases = try context.cluster { try $0.leases() }
    } catch let e as Diagnostic where e.code != .cancelled {
      d.checks.append(
        CertificateCheck(
          "D6", "leases", .fail, "GET /v1/configuration/leases: \(e.message)",
          fix: "check the control service's log"))
      leases = []
    }
    d.cluster(view, leases: leases, seen: context.session.sightings)
    return d
  }

  // D1
  private mutating func configuration(_ c: Configuration) {
    for e in c.errors {
      checks.append(
        CertificateCheck(
          "D1", "configuration", .fail, e.message, fix: e.notes.first ?? "see `config`"))
    }
    for w in c.warnings {
      checks.append(
        CertificateCheck("D1", "configuration", .warn, w, fix: "see `config` for every source"))
    }
    guard c.errors.isEmpty else { return }
    guard let host = c.values[.host] else {
      checks.append(
        CertificateCheck(
          "D1", "configuration", .fail, "no control service host is configured",
          fix: "use cluster NAME, --cluster NAME, FLOCKER_CONTROL_SERVICE_HOST or `set host HOST`"))
      return
    }
    let cluster = c.cluster.map { "cluster '\($0.value)' (\($0.source)); " } ?? ""
    let port = c.values[.port].map { ", port from \($0.source)" } ?? ""
    let cert = c.values[.cert].map { "; client certificate from \($0.source)" } ?? ""
    checks.append(
      CertificateCheck(
        "D1", "configuration", .pass,
        "\(cluster)\(host.value):\(c.port): host from \(host.source)\(port)\(cert)"))
  }

  // D2: the offline checks of `certs check`, failures and warnings each a line of their own.
  private mutating func certificates(_ c: Configuration) {
    let rows = CertificateChecks.offline(CertificateCheckInputs(configuration: c))
    let found = rows.filter { $0.status == .fail || $0.status == .warn }
    for r in found {
      checks.append(
        CertificateCheck(
          "D2", "certificates", r.status, "\(r.id) \(r.title): \(r.message)", fix: r.fix))
    }
    soonestExpiry = [c[.ca], c[.cert]].compactMap { $0 }.compactMap { path in
      CheckedFile(path).text.flatMap { try? CertificateInfo.parseAll(pem: $0).first }?
        .notValidAfter
    }.min()
    if found.isEmpty {
      let passed = rows.filter { $0.status == .pass }.count
      checks.append(
        CertificateCheck(
          "D2", "certificates", .pass,
          "\(passed) offline checks of `certs check` pass"
            + (soonestExpiry.map { "; the first expires on \(CertificateChecks.date($0))" } ?? "")))
    }
  }

  // D3: one request on the session's connection: the handshake and the API's version.
  private mutating func connect(_ context: CommandContext) -> Bool {
    let c = context.configuration
    guard c.errors.isEmpty, c.host != nil else {
      checks.append(
        CertificateCheck("D3", "connection", .skip, "not tried: the configuration is incomplete"))
      return false
    }
    do {
      let v = try context.cluster { try $0.version() }
      version = v.flocker
      reachable = true
      checks.append(
        CertificateCheck(
          "D3", "connection", .pass,
          "\(c.host!):\(c.port): TLS handshake verified, Flocker \(v.flocker)"))
      return true
    } catch let e as Diagnostic {
      checks.append(
        CertificateCheck(
          "D3", "connection", .fail, e.message,
          fix: e.notes.first ?? "`certs check --live` tells the handshake apart from the API"))
      return false
    } catch {
      checks.append(CertificateCheck("D3", "connection", .fail, "\(error)"))
      return false
    }
  }

  // D4–D8, from one read of each list.
  private mutating func cluster(_ view: ClusterView, leases: [Lease], seen: Sightings) {
    let live = view.datasets.filter { !$0.configuration.deleted }
    let reporting = Set(view.nodes.map(\.uuid))
    nodesReporting = view.nodes.count
    datasets = live.count

    // D4 and D8: configured nodes that do not report; reporting nodes with nothing listed.
    var onSilent: [String: [DatasetView]] = [:]
    for v in live {
      if let p = v.configuration.primary, !reporting.contains(p) {
        onSilent[p, default: []].append(v)
      }
    }
    for (uuid, vs) in onSilent.sorted(by: { $0.key < $1.key }) {
      let names =
        vs.prefix(5).map(Whereabouts.name).joined(separator: ", ")
        + (vs.count > 5 ? " and \(vs.count - 5) more" : "")
      if let host = seen.host(uuid) {
        checks.append(
          CertificateCheck(
            "D4", "agents", .fail,
            "node \(uuid.prefix(8)) (last seen as \(host)) does not report; \(vs.count) "
              + "dataset\(vs.count == 1 ? " is" : "s are") configured on it: \(names)",
            fix: "start flocker-dataset-agent on \(host), or move them: move NAME to NODE"))
      } else {
        checks.append(
          CertificateCheck(
            "D8", "unknown nodes", .fail,
            "\(vs.count) dataset\(vs.count == 1 ? " is" : "s are") configured on node "
              + "\(uuid.prefix(8)), which no agent reports (nor did in what fsh saw): \(names)",
            fix: "a typo or a node that was never installed: move them to a node that reports "
              + "(`nodes` lists them): move NAME to NODE"))
      }
    }
    var listed: [String: Int] = [:]
    for v in view.datasets { if let p = v.state?.primary { listed[p, default: 0] += 1 } }
    for n in view.nodes where listed[n.uuid] == nil {
      checks.append(
        CertificateCheck(
          "D4", "agents", .warn, "node \(n.uuid.prefix(8)) (\(n.host)) reports no datasets",
          fix: "fine if nothing is meant to be there; else check its agent's log"))
    }
    if onSilent.isEmpty {
      checks.append(
        CertificateCheck(
          "D4", "agents", .pass,
          "\(view.nodes.count) node\(view.nodes.count == 1 ? "" : "s") report; every "
            + "configured node among them"))
    }

    // D5: datasets not where they should be, each with its first blocker.
    let notConverged = view.datasets.filter { !DatasetWatch.isConverged($0) }
    self.notConverged = notConverged.count
    // Those on a node that does not report are D4's and D8's lines already.
    let elsewhere = notConverged.filter { onSilent[$0.configuration.primary ?? ""] == nil }
    for v in elsewhere.prefix(20) {
      let blockers = v.blockers(
        leases: leases, nodes: view.nodes,
        lastMountedOn: seen.lastListed(v.configuration.datasetID)?.node)
      let ref = v.configuration.name ?? v.configuration.datasetID
      if let b = blockers.first {
        let (message, fix) = Whereabouts.words(b, ref: ref, seen: seen)
        checks.append(
          CertificateCheck(
            "D5", "convergence", .fail,
            "\(Whereabouts.name(v)) is \(v.status.rawValue): \(message)", fix: fix))
      } else {
        checks.append(
          CertificateCheck(
            "D5", "convergence", .warn,
            "\(Whereabouts.name(v)) is \(v.status.rawValue): \(Whereabouts.brief(v)); nothing "
              + "the API shows blocks it",
            fix: "agents converge asynchronously: `wait \(Whereabouts.quote(ref)) attached`, or "
              + "`explain \(Whereabouts.quote(ref))`"))
      }
    }
    if elsewhere.count > 20 {
      checks.append(
        CertificateCheck(
          "D5", "convergence", .warn, "and \(elsewhere.count - 20) more not converged",
          fix: "datasets --watch --until converged"))
    }
    if elsewhere.isEmpty {
      checks.append(
        CertificateCheck(
          "D5", "convergence", .pass,
          "\(live.count - notConverged.count) of \(live.count) dataset\(live.count == 1 ? "" : "s") "
            + "attached where configured"
            + (notConverged.isEmpty ? "" : "; the others are on nodes that do not report (above)")))
    }

    // D6: leases held by nodes that are gone, expired, or never expiring on deleted datasets.
    let byID = Dictionary(
      view.datasets.map { ($0.configuration.datasetID, $0) }, uniquingKeysWith: { a, _ in a })
    var leaseFindings = 0
    for l in leases {
      let v = byID[l.datasetID]
      let name = v.map(Whereabouts.name) ?? "dataset \(l.datasetID.prefix(8))"
      let ref = v?.configuration.name ?? l.datasetID
      if !reporting.contains(l.nodeUUID) {
        leaseFindings += 1
        checks.append(
          CertificateCheck(
            "D6", "leases", .fail,
            "\(name) is leased by node \(l.nodeUUID.prefix(8))"
              + (seen.host(l.nodeUUID).map { " (last seen as \($0))" } ?? "")
              + ", which does not report",
            fix: "release it if that node is gone: lease release \(Whereabouts.quote(ref))"))
      } else if let e = l.expires, e <= 0 {
        leaseFindings += 1
        checks.append(
          CertificateCheck(
            "D6", "leases", .warn, "the lease on \(name) has expired and is still listed",
            fix: "the control service drops it at its next expiry pass; or lease release"))
      } else if l.expires == nil, v?.configuration.deleted == true {
        leaseFindings += 1
        checks.append(
          CertificateCheck(
            "D6", "leases", .warn,
            "\(name) is deleted but leased with no expiry: its volume stays while mounted there",
            fix: "lease release \(Whereabouts.quote(ref))"))
      }
    }
    if leaseFindings == 0 {
      checks.append(
        CertificateCheck(
          "D6", "leases", .pass,
          "\(leases.count) lease\(leases.count == 1 ? "" : "s"), each held by a node that reports"))
    }

    // D7: two live datasets with one name (the kubelet picks one silently).
    for row in CertificateChecks.datasetNames(view.datasets.map(\.configuration)) {
      checks.append(
        CertificateCheck(
          "D7", "dataset names", row.status == .warn ? .fail : row.status, row.message,
          fix: row.fix))
    }
  }

  /// The record of `doctor -o json`.
  var value: Value {
    let words = CheckWords.doctor
    return .record(
      Record([
        ("ok", .bool(problems == 0)), ("problems", .int(problems)), ("warnings", .int(warnings)),
        (
          "checks",
          .list(
            checks.map { c in
              .record(
                Record([
                  ("check", .string(c.id)), ("title", .string(c.title)),
                  ("severity", .string(words.name(c.status))), ("message", .string(c.message)),
                  ("fix", .from(c.fix)),
                ]))
            })
        ),
      ]))
  }
}

import Foundation
import FshClient
import FshLanguage
import FshModel
import FshPKI
import FshRuntime

struct CertsCheckCommand: DeclaredCommand {
  @Arg(["--live"], "also connect: handshake, API call, node list, kubelet env") var live: Bool
  @Arg(
    .option(
      ["--node"], "DIR", "check an agent node's DIR (default /etc/flocker) instead",
      completion: .file))
  var nodeOption: OptionalValue<CommandArgument>
  @Arg(
    .option(
      ["--control"], "FILE",
      "the control service certificate (default <certs>/control-service.crt when present)",
      completion: .file))
  var control: CommandArgument?
  @Arg(.option(["--node-ip"], "IP", "the kubelet's node IP for L3 (default: this machine's)"))
  var nodeIP: CommandArgument?
  static let help = CommandHelp(
    ["certs", "check"],
    summary: "check the certificates, key and variables a client (the kubelet) uses",
    parameters: declared,
    discussion: """
      One line per check; it passes, warns or fails, and a failure says what to do. Offline \
      (C1–C8): files and permissions, the CA, certificate and key parse and match, signed by \
      the CA and same cluster, CN user-…, validity, port 4523, and when the control \
      certificate is at hand its chain, its SAN against the host and its X.509 version. \
      --live (L1–L5): a TLS handshake checked the way Go checks it (SAN only), \
      GET /v1/configuration/datasets, this node in /v1/state/nodes and no duplicate node, \
      no two datasets with one name, and a running kubelet's own FLOCKER_ variables. \
      --node checks node.crt, node.key and cluster.crt of an agent (N1–N7). \
      The command fails when a check fails; `-o json` gives the records.
      """,
    examples: ["certs check", "certs check --live", "certs check --node /etc/flocker --live"])

  var node: Bool { nodeOption.isGiven }
  var nodeDirectory: CommandArgument? { nodeOption.value }

  func run(in context: CommandContext) throws -> CommandResult {
    let session = context.session
    let env = session.environment
    func absolute(_ p: String) -> String {
      Paths.absolute(p, relativeTo: env.workingDirectory, home: env.variables["HOME"])
    }
    var rows: [CertificateCheck]
    if node {
      let dir = absolute(nodeDirectory?.text ?? "/etc/flocker")
      let (nodeRows, uuid) = CertificateChecks.node(directory: dir)
      rows = nodeRows
      if live {
        if let uuid {
          do {
            let nodes = try context.cluster { try $0.nodes() }
            rows += CertificateChecks.nodeIdentity(
              uuid: uuid, nodes: nodes, localAddresses: CertificateChecks.localAddresses())
          } catch let d as Diagnostic where d.code != .cancelled {
            rows.append(
              CertificateCheck(
                "N7", "node list", .fail, "cannot read the node list: \(d.message)",
                fix: "`certs check --live` checks the API credentials this needs"))
          }
        } else {
          rows.append(CertificateCheck("N7", "node list", .skip, "no node UUID was read"))
        }
      }
    } else {
      let inputs = CertificateCheckInputs(
        configuration: context.configuration,
        controlCertificate: control.map { absolute($0.text) })
      rows = CertificateChecks.offline(inputs)
      if live { rows += try liveChecks(context) }
    }
    let width = context.session.terminalWidth()
    var result = CommandResult(
      .list(rows.map(\.value)), .rendered(Self.render(rows, width: width)))
    let failed = rows.filter { $0.status == .fail }
    if !failed.isEmpty {
      let ids = failed.map(\.id).reduce(into: [String]()) {
        if !$0.contains($1) { $0.append($1) }
      }
      result.failure = Diagnostic(
        "\(failed.count) certificate check\(failed.count == 1 ? "" : "s") failed "
          + "(\(ids.joined(separator: ", ")))",
        notes: ["each failed line above says what to do"])
    }
    return result
  }

  /// L1–L5.
  func liveChecks(_ context: CommandContext) throws -> [CertificateCheck] {
    let session = context.session
    var rows: [CertificateCheck] = []
    let configuration = context.configuration
    guard let settings = session.tlsSettings else {
      return [
        CertificateCheck(
          "L1", "TLS handshake", .fail, "no control service host is configured",
          fix: "set FLOCKER_CONTROL_SERVICE_HOST, --host or `set host HOST`")
      ]
    }
    let ca = CheckedFile(settings.caFile).text.flatMap {
      try? CertificateInfo.parseAll(pem: $0).first
    }
    // L1 + L2: a fresh connection (not the session's kept-alive one), so the handshake is
    // made now, with the files as they are now.
    var client: FlockerClient?
    var datasets: [DatasetConfiguration]?
    if session.transportFactory != nil {
      rows.append(
        CertificateCheck(
          "L1", "TLS handshake", .skip,
          "this session talks to the control service in-process, without TLS"))
      client = try session.client()
    } else {
      let transport = try session.connection.tlsTransport(settings, reportingNotes: false)
      transport.setTrace { [weak session] line in
        guard let session, session.options.verbose else { return }
        session.host?.trace(line)
      }
      let probe = FlockerClient(transport: transport)
      session.connection.setActive(transport)
      defer { session.connection.setActive(nil) }
      do {
        datasets = try probe.configurationDatasets().datasets
        client = probe
      } catch let e as ClientError {
        if session.isCancelled || e.code == .cancelled {
          throw Diagnostic("interrupted", code: .cancelled)
        }
        if [.http, .serverError, .badResponse, .precondition].contains(e.code) {
          client = probe
          rows.append(
            CertificateCheck(
              "L2", "API call", .fail,
              "GET /v1/configuration/datasets: \(Diagnostic(e).message)",
              fix: "the TLS handshake worked; check the control service's log"))
        } else {
          rows.append(
            CertificateCheck(
              "L1", "TLS handshake", .fail, "\(settings.hostPort): \(Diagnostic(e).message)",
              fix:
                "a refused handshake usually means the CN is not 'user-…' or the certificate "
                + "is from another CA; see the offline checks above"))
        }
      }
      if client != nil {
        rows.insert(
          contentsOf: presentedChain(transport.serverCertificates, ca: ca, settings: settings),
          at: 0)
      }
    }
    if let datasets {
      rows.append(
        CertificateCheck(
          "L2", "API call", .pass,
          "GET /v1/configuration/datasets: 200, \(datasets.count) dataset"
            + (datasets.count == 1 ? "" : "s")))
    } else if client != nil, session.transportFactory != nil {
      do {
        datasets = try context.cluster { try $0.configurationDatasets().datasets }
        rows.append(
          CertificateCheck(
            "L2", "API call", .pass,
            "GET /v1/configuration/datasets: 200, \(datasets!.count) datasets"))
      } catch let d as Diagnostic where d.code != .cancelled {
        rows.append(
          CertificateCheck(
            "L2", "API call", .fail, "GET /v1/configuration/datasets: \(d.message)",
            fix: d.notes.first ?? "check the control service's log"))
      }
    }
    guard let client, datasets != nil else {
      rows.append(CertificateCheck("L3", "node list", .skip, "the API cannot be reached"))
      rows.append(CertificateCheck("L4", "dataset names", .skip, "the API cannot be reached"))
      rows += CertificateChecks.kubeletEnvironment(
        expected: CertificateChecks.kubeletVariables(configuration))
      return rows
    }
    do {
      let nodes = try client.nodes()
      rows += CertificateChecks.nodes(
        nodes, nodeIP: nodeIP?.text, localAddresses: CertificateChecks.localAddresses())
    } catch let e as ClientError {
      rows.append(
        CertificateCheck(
          "L3", "node list", .fail, "GET /v1/state/nodes: \(Diagnostic(e).message)",
          fix: "check the control service's log"))
    }
    rows += CertificateChecks.datasetNames(datasets ?? [])
    rows += CertificateChecks.kubeletEnvironment(
      expected: CertificateChecks.kubeletVariables(configuration))
    return rows
  }

  /// L1 on what the server presented: OpenSSL (libcurl) verified the chain to cluster.crt for
  /// the name control-service; here the host is checked as Go does (SAN only), and C8 runs.
  func presentedChain(_ pems: [String], ca: CertificateInfo?, settings: TLSSettings)
    -> [CertificateCheck]
  {
    let title = "TLS handshake"
    guard let leafPEM = pems.first,
      let leaf = try? CertificateInfo.parseAll(pem: leafPEM).first
    else {
      return [
        CertificateCheck(
          "L1", title, .warn,
          "\(settings.hostPort): handshake done and verified by libcurl, but it did not hand "
            + "over the presented certificate, so the Go-style host check was not made",
          fix: "check the control certificate's SAN offline: `certs check --control FILE`")
      ]
    }
    var rows = [
      CertificateCheck(
        "L1", title, .pass,
        "\(settings.hostPort): chain verified to "
          + (settings.caFile as NSString).lastPathComponent
          + " (\(pems.count) certificate\(pems.count == 1 ? "" : "s") presented), client "
          + "certificate accepted")
    ]
    if leaf.validity() != .valid {
      rows.append(
        CertificateCheck(
          "L1", title, .fail, "the presented certificate is outside its validity period",
          fix: "re-issue the control certificate (`certs control HOST`) or fix the clock"))
    }
    rows += CertificateChecks.controlCertificate(
      leaf, source: "the presented certificate", ca: ca, host: settings.host, id: "L1")
    return rows
  }

  /// The checks as a table; a fix goes on its own line under the result it belongs to.
  /// The checks as a table; `words` names the statuses (`doctor` says ok, warning, problem).
  static func render(
    _ rows: [CertificateCheck], width: Int? = nil, words: CheckWords = .certificates
  ) -> String {
    let titleWidth = max(5, rows.map(\.title.count).max() ?? 0)
    func pad(_ s: String, _ w: Int) -> String {
      s + String(repeating: " ", count: max(0, w - s.count))
    }
    let statusWidth = max(6, CertificateCheck.Status.allCases.map { words.name($0).count }.max()!)
    let column = 5 + 2 + statusWidth + 2 + titleWidth + 2
    if let width, width - column < 30 {
      return narrow(rows, width: width, words: words)
    }
    var out =
      pad("CHECK", 5) + "  " + pad("STATUS", statusWidth) + "  " + pad("WHAT", titleWidth)
      + "  RESULT\n"
    let indent = String(repeating: " ", count: column)
    // Messages and fixes wrap at word boundaries under the RESULT column.
    let wrap = { (s: String) in
      width.map { HelpFormatter.hang(s, width: $0, indent: column) } ?? s
    }
    for r in rows {
      out +=
        pad(r.id, 5) + "  " + pad(words.name(r.status), statusWidth) + "  "
        + pad(r.title, titleWidth)
        + "  " + wrap(r.message) + "\n"
      if let fix = r.fix, r.status == .fail || r.status == .warn {
        out += indent + wrap("fix: " + fix) + "\n"
      }
    }
    return out + words.summary(rows)
  }

  /// A terminal too narrow for a RESULT column (50 columns): each check's line, then its
  /// result and fix under it, indented and wrapped at words.
  static func narrow(_ rows: [CertificateCheck], width: Int, words: CheckWords) -> String {
    func pad(_ s: String, _ w: Int) -> String {
      s + String(repeating: " ", count: max(0, w - DisplayWidth.of(s)))
    }
    let under = { (s: String) in "    " + HelpFormatter.hang(s, width: width, indent: 4) + "\n" }
    let statusWidth = max(6, CertificateCheck.Status.allCases.map { words.name($0).count }.max()!)
    var out = pad("CHECK", 5) + "  " + pad("STATUS", statusWidth) + "  WHAT\n"
    for r in rows {
      out +=
        pad(r.id, 5) + "  " + pad(words.name(r.status), statusWidth) + "  "
        + HelpFormatter.hang(r.title, width: width, indent: 9 + statusWidth) + "\n"
      out += under(r.message)
      if let fix = r.fix, r.status == .fail || r.status == .warn { out += under("fix: " + fix) }
    }
    return out + words.summary(rows)
  }
}

/// How a table of checks names its statuses, and its last line.
struct CheckWords: Sendable {
  var pass: String, warn: String, fail: String, skip: String
  /// How the last line counts passes and failures: "3 passed", "2 problems".
  var passed: String, failed: @Sendable (Int) -> String
  /// `certs check`, `explain`: pass, warn, fail; "3 passed, 1 warning, 0 failed".
  static let certificates = CheckWords(
    pass: "pass", warn: "warn", fail: "fail", skip: "skip", passed: "passed",
    failed: { _ in "failed" })
  /// `doctor`: ok, warning, problem; "5 ok, 1 warning, 2 problems".
  static let doctor = CheckWords(
    pass: "ok", warn: "warning", fail: "problem", skip: "skipped", passed: "ok",
    failed: { $0 == 1 ? "problem" : "problems" })

  func name(_ s: CertificateCheck.Status) -> String {
    switch s {
    case .pass: pass
    case .warn: warn
    case .fail: fail
    case .skip: skip
    }
  }

  /// The last line: how many of each.
  func summary(_ rows: [CertificateCheck]) -> String {
    let count = { (s: CertificateCheck.Status) in rows.filter { $0.status == s }.count }
    let warnings = count(.warn)
    return
      "\(count(.pass)) \(passed), \(warnings) warning\(warnings == 1 ? "" : "s"), "
      + "\(count(.fail)) \(failed(count(.fail)))"
      + (count(.skip) > 0 ? ", \(count(.skip)) skipped" : "") + "\n"
  }
}

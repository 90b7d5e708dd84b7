// `certs check --node` (an agent node's /etc/flocker) and the analysis behind the live checks
// L3–L5, kept apart from the network so that tests can feed them answers.
import Foundation
import FshClient
import FshModel
import FshPKI
import FshRuntime

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

extension CertificateChecks {
  // MARK: - Agent node: N1–N6

  /// Checks an agent node's directory: `node.crt`, `node.key`, `cluster.crt`, CN `node-<uuid>`,
  /// same cluster, key matches, validity. Returns the rows and the node UUID when readable.
  package static func node(directory: String, now: Date = Date()) -> (
    [CertificateCheck], nodeUUID: String?
  ) {
    let ca = CheckedFile(Paths.join(directory, "cluster.crt"))
    let cert = CheckedFile(Paths.join(directory, "node.crt"))
    let key = CheckedFile(Paths.join(directory, "node.key"))
    var out: [CertificateCheck] = []
    // N1: files, as C1 but named for the agent.
    out += files(ca: ca, cert: cert, key: key).map { row in
      var r = row
      r.id = "N1"
      r.message = r.message.replacingOccurrences(of: "client ", with: "node ")
      if r.status == .fail, r.fix?.hasPrefix("point ") == true {
        r.fix =
          "the agent reads \(directory)/node.crt, node.key and cluster.crt: copy the "
          + "<uuid>.crt and <uuid>.key from `certs node` (flocker-ca create-node-certificate) "
          + "there under these names"
      }
      return r
    }
    var caInfo: CertificateInfo?
    if ca.text != nil {
      let (row, info) = caCertificate(ca, id: "N2")
      out.append(row)
      caInfo = info
    } else {
      out.append(skipped("N2", "CA certificate", ca))
    }
    var certInfo: CertificateInfo?
    if cert.text != nil {
      let (rows, info) = certificateAndKey(cert, key, id: "N3", what: "node")
      out += rows
      certInfo = info
    } else {
      out.append(skipped("N3", "certificate and key", cert))
    }
    var uuid: String?
    if let certInfo {
      let cn = certInfo.commonName ?? "(none)"
      switch certInfo.role {
      case .node(let id) where UUID(uuidString: id) != nil:
        uuid = id.lowercased()
        out.append(CertificateCheck("N4", "node identity", .pass, "CN '\(cn)': node \(id)"))
      case .user:
        out.append(
          CertificateCheck(
            "N4", "node identity", .fail,
            "node.crt has CN '\(cn)': an API user certificate; the agent port 4524 rejects it",
            fix: "issue a node certificate with `certs node` and install it as node.crt/node.key"))
      default:
        out.append(
          CertificateCheck(
            "N4", "node identity", .fail,
            "node.crt has CN '\(cn)', not 'node-<uuid>'; the agent takes its identity from it",
            fix: "issue a node certificate with `certs node` and install it as node.crt/node.key"))
      }
    } else {
      out.append(CertificateCheck("N4", "node identity", .skip, "node.crt was not read"))
    }
    if let caInfo, let certInfo {
      out.append(chain(certInfo, file: cert, to: caInfo, caFile: ca, id: "N5", what: "node"))
    } else {
      out.append(CertificateCheck("N5", "signed by CA", .skip, "needs cluster.crt and node.crt"))
    }
    var dated: [(String, CertificateInfo)] = []
    if let caInfo { dated.append((ca.path, caInfo)) }
    if let certInfo { dated.append((cert.path, certInfo)) }
    out += validity(dated, now: now, id: "N6")
    return (out, uuid)
  }

  /// N7 (`--node --live`): how the control service sees this node's UUID.
  package static func nodeIdentity(uuid: String, nodes: [Node], localAddresses: [String])
    -> [CertificateCheck]
  {
    let title = "node list"
    let mine = nodes.filter { $0.uuid.lowercased() == uuid.lowercased() }
    let hosts = Array(Set(mine.map(\.host))).sorted()
    let copied =
      "each node needs its own certificate: issue one per node with `certs node` and restart "
      + "the agents that shared this one"
    if hosts.count > 1 {
      return [
        CertificateCheck(
          "N7", title, .warn,
          "node \(uuid) is reported from \(hosts.count) hosts (\(hosts.joined(separator: ", "))): "
            + "node.crt was copied to several machines", fix: copied)
      ]
    }
    guard let host = hosts.first else {
      return [
        CertificateCheck(
          "N7", title, .warn, "node \(uuid) is not in the control service's node list",
          fix:
            "start flocker-dataset-agent here and check agent.yml's control-service hostname; "
            + "state of an agent appears a few seconds after it connects")
      ]
    }
    if !localAddresses.isEmpty, !localAddresses.contains(host) {
      return [
        CertificateCheck(
          "N7", title, .warn,
          "node \(uuid) reports host \(host), which is not an address of this machine "
            + "(\(localAddresses.joined(separator: ", ")))",
          fix: "if another machine reports with this UUID, it has a copy of node.crt: " + copied)
      ]
    }
    return [CertificateCheck("N7", title, .pass, "node \(uuid) reports host \(host)")]
  }

  // MARK: - L3: nodes

  /// L3: the node list has an entry for this machine's address (or `nodeIP`), no UUID twice and
  /// no host twice.
  package static func nodes(_ nodes: [Node], nodeIP: String?, localAddresses: [String])
    -> [CertificateCheck]
  {
    let title = "node list"
    var rows: [CertificateCheck] = []
    let copied =
      "each node needs its own node.crt: issue one per node with `certs node` and restart the "
      + "agents; the kubelet's node lookup by IP picks at random meanwhile"
    if nodes.isEmpty {
      return [
        CertificateCheck(
          "L3", title, .fail, "no node is reporting to the control service",
          fix:
            "start flocker-dataset-agent on the nodes and check agent.yml's control-service "
            + "hostname and port 4524")
      ]
    }
    for (uuid, entries) in Dictionary(grouping: nodes, by: { $0.uuid.lowercased() })
    where entries.count > 1 {
      rows.append(
        CertificateCheck(
          "L3", title, .fail,
          "node \(uuid) is listed \(entries.count) times (hosts "
            + "\(entries.map(\.host).joined(separator: ", ")))", fix: copied))
    }
    for (host, entries) in Dictionary(grouping: nodes, by: \.host) where entries.count > 1 {
      rows.append(
        CertificateCheck(
          "L3", title, .warn,
          "host \(host) is reported by \(entries.count) nodes "
            + "(\(entries.map { String($0.uuid.prefix(8)) }.joined(separator: ", ")))",
          fix: "a copied node.crt, or a reinstalled node whose old entry has not expired: "
            + copied))
    }
    if let nodeIP {
      if let node = nodes.first(where: { $0.host == nodeIP }) {
        rows.append(
          CertificateCheck("L3", title, .pass, "node \(node.uuid.prefix(8)) reports host \(nodeIP)")
        )
      } else {
        rows.append(
          CertificateCheck(
            "L3", title, .fail,
            "no node reports host \(nodeIP); the kubelet's Flocker plugin fails with "
              + "'No node found with IP'",
            fix:
              "run flocker-dataset-agent on that machine with its own node.crt; the IP it reports "
              + "must be the kubelet's (InternalIP, --node-ip)"))
      }
    } else if let node = nodes.first(where: { localAddresses.contains($0.host) }) {
      rows.append(
        CertificateCheck(
          "L3", title, .pass, "this machine is node \(node.uuid.prefix(8)) (host \(node.host))"))
    } else {
      rows.append(
        CertificateCheck(
          "L3", title, .warn,
          "none of the \(nodes.count) nodes reports an address of this machine"
            + (localAddresses.isEmpty ? "" : " (\(localAddresses.joined(separator: ", ")))"),
          fix:
            "on a Kubernetes node, start its flocker-dataset-agent; elsewhere name the node with "
            + "--node-ip IP"))
    }
    return rows
  }

  // MARK: - L4: dataset names

  /// L4: non-deleted datasets sharing a `metadata.name`.
  package static func datasetNames(_ datasets: [DatasetConfiguration]) -> [CertificateCheck] {
    let live = datasets.filter { !$0.deleted }
    let named = Dictionary(grouping: live.filter { $0.name != nil }, by: { $0.name! })
    var rows: [CertificateCheck] = []
    for (name, entries) in named.sorted(by: { $0.key < $1.key }) where entries.count > 1 {
      rows.append(
        CertificateCheck(
          "L4", "dataset names", .warn,
          "\(entries.count) datasets are named '\(name)' ("
            + entries.map { String($0.datasetID.prefix(8)) }.joined(separator: ", ")
            + "); the Kubernetes plugin silently picks one",
          fix: "use datasetUUID in the volume spec, or rename or destroy the extra ones"))
    }
    if rows.isEmpty {
      rows.append(
        CertificateCheck(
          "L4", "dataset names", .pass,
          "\(live.count) dataset\(live.count == 1 ? "" : "s"), no name used twice"))
    }
    return rows
  }

  // MARK: - L5: the kubelet's environment

  /// The variables the kubelet reads, with the session values they should equal.
  static func kubeletVariables(_ c: Configuration) -> [(String, String?)] {
    [
      ("FLOCKER_CONTROL_SERVICE_HOST", c.host), ("FLOCKER_CONTROL_SERVICE_PORT", c[.port]),
      ("FLOCKER_CONTROL_SERVICE_CA_FILE", c[.ca]),
      ("FLOCKER_CONTROL_SERVICE_CLIENT_CERT_FILE", c[.cert]),
      ("FLOCKER_CONTROL_SERVICE_CLIENT_KEY_FILE", c[.key]),
    ]
  }

  /// L5: compares a running kubelet's environment with the values this session uses.
  package static func kubeletEnvironment(
    pid: Int32, environment: [String: String], expected: [(String, String?)]
  ) -> [CertificateCheck] {
    let title = "kubelet environment"
    let fix =
      "give the kubelet the variables in its unit: `env export --for kubernetes > "
      + "/etc/flocker/env`, EnvironmentFile=/etc/flocker/env, then restart the kubelet"
    var rows: [CertificateCheck] = []
    for (name, want) in expected {
      let have = environment[name]
      if have == nil || have == "" {
        rows.append(
          CertificateCheck(
            "L5", title, .fail,
            "the kubelet (pid \(pid)) has no \(name)"
              + (name.hasSuffix("_HOST") ? ": it dials 'localhost'" : ": it uses its default"),
            fix: fix))
      } else if let want, have != want {
        rows.append(
          CertificateCheck(
            "L5", title, .warn,
            "the kubelet (pid \(pid)) has \(name)=\(have ?? ""), this session \(want)",
            fix: "fine if the kubelet's value is right; otherwise " + fix))
      }
    }
    if rows.isEmpty {
      rows.append(
        CertificateCheck(
          "L5", title, .pass, "the kubelet (pid \(pid)) has the same five FLOCKER_ variables"))
    }
    return rows
  }

  /// L5 on this machine: finds a running kubelet in /proc and reads its environment.
  static func kubeletEnvironment(expected: [(String, String?)]) -> [CertificateCheck] {
    let title = "kubelet environment"
    guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else {
      return [CertificateCheck("L5", title, .skip, "no /proc on this system")]
    }
    for entry in entries {
      guard let pid = Int32(entry),
        let cmdline = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline")
      else { continue }
      let argv = cmdline.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
      guard let first = argv.first else { continue }
      let program = (first as NSString).lastPathComponent
      guard program == "kubelet" || (program == "hyperkube" && argv.dropFirst().first == "kubelet")
      else { continue }
      guard let data = FileManager.default.contents(atPath: "/proc/\(entry)/environ") else {
        return [
          CertificateCheck(
            "L5", title, .warn,
            "a kubelet runs (pid \(pid)) but \(user) cannot read its environment",
            fix: "run `certs check --live` as root to compare it")
        ]
      }
      var environment: [String: String] = [:]
      for item in data.split(separator: 0) {
        let text = String(decoding: item, as: UTF8.self)
        guard let eq = text.firstIndex(of: "="), text.hasPrefix("FLOCKER_") else { continue }
        environment[String(text[..<eq])] = String(text[text.index(after: eq)...])
      }
      return kubeletEnvironment(pid: pid, environment: environment, expected: expected)
    }
    return [CertificateCheck("L5", title, .skip, "no kubelet runs on this machine")]
  }

  // MARK: - This machine's addresses

  /// The IPv4 and IPv6 addresses of this machine's interfaces, loopback excluded.
  package static func localAddresses() -> [String] {
    var head: UnsafeMutablePointer<ifaddrs>?
    guard getifaddrs(&head) == 0 else { return [] }
    defer { freeifaddrs(head) }
    var out: [String] = []
    var cursor = head
    while let entry = cursor {
      defer { cursor = entry.pointee.ifa_next }
      guard let address = entry.pointee.ifa_addr else { continue }
      let family = Int32(address.pointee.sa_family)
      guard family == AF_INET || family == AF_INET6 else { continue }
      var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
      let length =
        family == AF_INET
        ? socklen_t(MemoryLayout<sockaddr_in>.size) : socklen_t(MemoryLayout<sockaddr_in6>.size)
      guard
        getnameinfo(address, length, &buffer, socklen_t(buffer.count), nil, 0, NI_NUMERICHOST)
          == 0
      else { continue }
      let text = String(cString: buffer)
      if text.hasPrefix("127.") || text == "::1" || text.hasPrefix("fe80") { continue }
      if !out.contains(text) { out.append(text) }
    }
    return out
  }
}

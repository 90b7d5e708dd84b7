import Foundation
import FshLanguage
import FshRuntime

/// `env export`: the variables each Flocker consumer reads, in the syntax it reads them.
package enum EnvExport {
  /// Who reads the variables.
  package enum Consumer: String, ChoiceValue {
    /// The kubelet's (and kube-controller-manager's) Flocker volume plugin, Kubernetes ≤ 1.24.
    case kubernetes
    /// The docker-multinode scripts of kube-deploy (FLOCKER_USER_CA_DIR).
    case kubeDeploy = "kube-deploy"
    /// flockerctl (FLOCKER_CERTS_PATH, FLOCKER_USER, FLOCKER_CONTROL_SERVICE).
    case flockerctl

    /// The format that suits the consumer when none is named.
    package var defaultFormat: Format {
      switch self {
      case .kubernetes: return .systemd
      case .kubeDeploy, .flockerctl: return .sh
      }
    }
  }

  /// The syntax of the output.
  package enum Format: String, ChoiceValue {
    case sh, fish, systemd, docker, json
  }

  /// The variables and the notes that go with them.
  package struct Export: Equatable, Sendable {
    package var variables: [(String, String)]
    /// Advice printed as comments (sh, fish, systemd) or as warnings.
    package var notes: [String]
    /// Directories a containerised consumer must see (for docker's -v flags).
    package var mounts: [String]
    /// What will not work as exported, shown as warnings on standard error in every format.
    package var warnings: [String] = []

    package static func == (a: Export, b: Export) -> Bool {
      a.variables.elementsEqual(b.variables, by: { $0 == $1 }) && a.notes == b.notes
        && a.mounts == b.mounts && a.warnings == b.warnings
    }
  }

  /// Whether `host` names this machine only: `localhost` (and `*.localhost`), 127.0.0.0/8,
  /// `::1` (also bracketed, or IPv4-mapped `::ffff:127.x.x.x`).
  package static func isLoopback(_ host: String) -> Bool {
    var h = host.lowercased()
    if h.hasSuffix(".") { h.removeLast() }
    if h.hasPrefix("["), h.hasSuffix("]") { h = String(h.dropFirst().dropLast()) }
    if h == "localhost" || h.hasSuffix(".localhost") { return true }
    var v4 = in_addr()
    if inet_pton(AF_INET, h, &v4) == 1 {
      return withUnsafeBytes(of: &v4) { $0[0] == 127 }
    }
    var v6 = in6_addr()
    guard inet_pton(AF_INET6, h, &v6) == 1 else { return false }
    return withUnsafeBytes(of: &v6) { b in
      let loopback = b.prefix(15).allSatisfy { $0 == 0 } && b[15] == 1
      let mapped = b.prefix(10).allSatisfy { $0 == 0 } && b[10] == 0xFF && b[11] == 0xFF
      return loopback || (mapped && b[12] == 127)
    }
  }

  /// The warning for a kubelet that would be told to reach the control service on loopback.
  static func loopbackWarning(_ host: String) -> [String] {
    guard isLoopback(host) else { return [] }
    return [
      "the control service host '\(host)' is a loopback address: a kubelet on another machine cannot reach it"
    ]
  }

  /// Computes the variables for a consumer; throws with the reason when it cannot express the
  /// configuration (never an empty value, never key contents).
  package static func variables(for consumer: Consumer, from c: Configuration) throws -> Export {
    guard let host = c.host, !host.isEmpty else {
      throw Diagnostic(
        "no control service host to export", code: .configuration,
        notes: ["set one with --host, FLOCKER_CONTROL_SERVICE_HOST, a profile, or `set host HOST`"])
    }
    if let e = c.errors.first { throw e }
    let port = c.port
    let certs = c[.certs]!
    let ca = c[.ca]!
    let cert = c[.cert]!
    let key = c[.key]!
    let user = c[.user]!
    let five: [(String, String)] = [
      ("FLOCKER_CONTROL_SERVICE_HOST", host), ("FLOCKER_CONTROL_SERVICE_PORT", String(port)),
      ("FLOCKER_CONTROL_SERVICE_CA_FILE", ca), ("FLOCKER_CONTROL_SERVICE_CLIENT_CERT_FILE", cert),
      ("FLOCKER_CONTROL_SERVICE_CLIENT_KEY_FILE", key),
    ]
    let dirs = orderedUnique([
      Paths.directory(of: ca), Paths.directory(of: cert), Paths.directory(of: key),
    ])
    switch consumer {
    case .kubernetes:
      return Export(
        variables: five,
        notes: [
          "for the kubelet and kube-controller-manager (Kubernetes <= 1.24): save as /etc/flocker/env",
          "and add EnvironmentFile=/etc/flocker/env to their systemd units",
        ], mounts: dirs, warnings: loopbackWarning(host))
    case .kubeDeploy:
      let outside = [ca, cert, key].filter { Paths.directory(of: $0) != certs }
      if !outside.isEmpty {
        throw Diagnostic(
          "kube-deploy mounts only FLOCKER_USER_CA_DIR ('\(certs)') into the kubelet container, "
            + "but \(outside.map { "'\($0)'" }.joined(separator: ", ")) is outside it",
          code: .configuration,
          notes: ["copy or link the files into \(certs), or use --for kubernetes --format docker"])
      }
      return Export(
        variables: [("FLOCKER_USER_CA_DIR", certs)] + five,
        notes: ["for docker-multinode's master.sh / worker.sh: export before running them"],
        mounts: [certs], warnings: loopbackWarning(host))
    case .flockerctl:
      var problems: [String] = []
      if ca != Paths.join(certs, "cluster.crt") {
        problems.append("the CA must be <certs>/cluster.crt, not '\(ca)'")
      }
      if cert != Paths.join(certs, "\(user).crt") {
        problems.append("the certificate must be <certs>/\(user).crt, not '\(cert)'")
      }
      if key != Paths.join(certs, "\(user).key") {
        problems.append("the key must be <certs>/\(user).key, not '\(key)'")
      }
      if !problems.isEmpty {
        throw Diagnostic(
          "flockerctl cannot express this layout: it reads <certs>/cluster.crt, <certs>/<user>.crt and <certs>/<user>.key",
          code: .configuration,
          notes: problems + [
            "make symbolic links with those names in one directory and `set certs` to it"
          ])
      }
      var notes = [
        "a ./cluster.yml in the working directory overrides these variables for flockerctl"
      ]
      if port != 4523 {
        notes.insert(
          "flockerctl has no variable for the port: run flockerctl --control-port \(port)", at: 0)
      }
      return Export(
        variables: [
          ("FLOCKER_CERTS_PATH", certs), ("FLOCKER_USER", user), ("FLOCKER_CONTROL_SERVICE", host),
        ],
        notes: notes, mounts: [certs])
    }
  }

  /// Renders an export in a format.
  package static func render(_ e: Export, format: Format, consumer: Consumer) -> String {
    var out = ""
    switch format {
    case .sh:
      for n in e.notes { out += "# \(n)\n" }
      for (k, v) in e.variables { out += "export \(k)=\(shellQuote(v))\n" }
    case .fish:
      for n in e.notes { out += "# \(n)\n" }
      for (k, v) in e.variables { out += "set -gx \(k) \(fishQuote(v))\n" }
    case .systemd:
      for n in e.notes { out += "# \(n)\n" }
      for (k, v) in e.variables { out += "\(k)=\(systemdQuote(v))\n" }
    case .docker:
      var flags = e.variables.map { "-e \(shellQuote("\($0.0)=\($0.1)"))" }
      flags += e.mounts.map { "-v \(shellQuote("\($0):\($0):ro"))" }
      if consumer == .kubernetes { flags.append("-v /flocker:/flocker:rslave") }
      out = flags.joined(separator: " \\\n") + "\n"
    case .json:
      out = JSON.encode(.record(Record(e.variables.map { ($0.0, Value.string($0.1)) }))) + "\n"
    }
    return out
  }

  static func orderedUnique(_ items: [String]) -> [String] {
    var seen = Set<String>()
    return items.filter { seen.insert($0).inserted }
  }

  static func fishQuote(_ s: String) -> String {
    "'" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'")
      + "'"
  }

  static func systemdQuote(_ s: String) -> String {
    if s.allSatisfy({ !$0.isWhitespace && $0 != "\"" && $0 != "'" && $0 != "\\" }) { return s }
    return "\""
      + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
      + "\""
  }
}

extension ConfigCommands {
}

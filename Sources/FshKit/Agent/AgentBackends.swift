import Foundation
import FshRuntime

/// What Flocker's dataset agent knows about `agent.yml` (reference/flocker-api.md §5): the
/// built-in storage backends, their keys, and the control-service hostname rule.
package enum AgentFacts {
  /// The agent port on the control service (the REST API is 4523).
  package static let agentPort = 4524
  /// The REST API port, which does not belong in agent.yml.
  package static let apiPort = 4523
  /// The top-level keys the agent's schema names (no additionalProperties: others are ignored).
  package static let topLevelKeys = ["version", "control-service", "dataset", "logging"]
  /// The keys of `control-service`.
  package static let controlServiceKeys = ["hostname", "port"]

  /// The type a backend parameter takes.
  package enum ValueType: Sendable {
    case string, bool, integer
  }

  /// A built-in backend: its factory's parameters and which of them the agent requires.
  package struct Backend: Sendable {
    package var name: String
    /// Keys the agent checks for ("Configuration error: Required key … is missing").
    package var required: [String]
    /// Keys the factory accepts, in the order `agent init` writes them.
    package var keys: [(String, ValueType)]
    /// Whether the factory takes `**config` (unknown keys are ignored, not a crash).
    package var ignoresUnknownKeys: Bool
    /// One line for help and warnings.
    package var summary: String

    package var keyNames: [String] { keys.map(\.0) }
    package func type(of key: String) -> ValueType? { keys.first { $0.0 == key }?.1 }
  }

  static let openstackBase: [(String, ValueType)] = [
    ("region", .string), ("auth_plugin", .string), ("verify_peer", .bool),
    ("verify_ca_path", .string),
  ]
  /// keystoneclient 2.3.1's generic password-plugin options (`get_options()` dest names).
  static let passwordOptions = [
    "auth_url", "username", "password", "user_id", "user_domain_name", "user_domain_id",
    "project_name", "project_id", "tenant_name", "tenant_id", "project_domain_name",
    "project_domain_id", "domain_name", "domain_id", "trust_id",
  ]
  static let rackspaceOptions = ["username", "api_key", "auth_url"]

  /// The built-in backends (SHQ `flocker/node/backends.py`).
  package static let backends: [Backend] = [
    Backend(
      name: "openstack", required: ["region"],
      keys: openstackBase + passwordOptions.map { ($0, .string) } + [("api_key", .string)],
      ignoresUnknownKeys: true, summary: "OpenStack Cinder (keystone auth_plugin password)"),
    Backend(
      name: "aws", required: ["region", "zone", "access_key_id", "secret_access_key"],
      keys: [
        ("region", .string), ("zone", .string), ("access_key_id", .string),
        ("secret_access_key", .string), ("session_token", .string), ("validate_region", .bool),
      ], ignoresUnknownKeys: false, summary: "Amazon EBS"),
    Backend(
      name: "gce", required: [],
      keys: [("project", .string), ("zone", .string), ("credentials", .string)],
      ignoresUnknownKeys: false,
      summary: "Google Compute Engine persistent disks (project and zone default from metadata)"),
    Backend(
      name: "loopback", required: [],
      keys: [
        ("root_path", .string), ("compute_instance_id", .string), ("allocation_unit", .integer),
      ], ignoresUnknownKeys: false, summary: "loopback files, for internal testing only"),
    Backend(
      name: "zfs", required: [],
      keys: [("pool", .string), ("mount_root", .string), ("volume_config_path", .string)],
      ignoresUnknownKeys: false, summary: "ZFS peer-to-peer (unsupported by Flocker)"),
  ]

  package static var backendNames: [String] { backends.map { $0.name } }

  package static func backend(_ name: String) -> Backend? { backends.first { $0.name == name } }

  /// Names people use for a backend that the agent does not know.
  static let backendAliases = [
    "cinder": "openstack", "keystone": "openstack", "ebs": "aws", "ec2": "aws", "amazon": "aws",
    "gcp": "gce", "google": "gce", "gcloud": "gce", "loop": "loopback",
  ]

  /// For OpenStack, the keys its auth plugin reads; nil for a plugin fsh does not know.
  static func openstackKeys(authPlugin: String) -> [String]? {
    let base = openstackBase.map(\.0)
    switch authPlugin {
    case "password": return base + passwordOptions
    case "rackspace": return base + rackspaceOptions
    default: return nil
    }
  }

  /// Keys that are not required by the agent but without which the backend cannot work
  /// (OpenStack authentication); `agent init` asks for them, `agent check` warns.
  static func neededKeys(backend: String, authPlugin: String = "password") -> [String] {
    guard backend == "openstack" else { return [] }
    switch authPlugin {
    case "password": return ["auth_url", "username", "password"]
    case "rackspace": return ["auth_url", "username", "api_key"]
    default: return []
    }
  }

  /// Whether a key holds a secret (never shown, and the file must not be readable by others).
  package static func isSecret(_ key: String) -> Bool {
    let k = key.lowercased()
    return ["password", "passwd", "secret", "token", "api_key", "apikey", "credentials"].contains {
      k.contains($0)
    }
  }

  /// The agent's `format: hostname` check (jsonschema 2.x's draft-4 FormatChecker): letters,
  /// digits, `.` and `-`, starting with a letter or digit, 2 to 256 characters, each label at
  /// most 63. IPv4 addresses pass; IPv6 literals do not.
  package static func isSchemaHostname(_ s: String) -> Bool {
    guard let first = s.unicodeScalars.first, s.unicodeScalars.count >= 2,
      s.unicodeScalars.count <= 256, isAlnum(first)
    else { return false }
    guard s.unicodeScalars.allSatisfy({ isAlnum($0) || $0 == "." || $0 == "-" }) else {
      return false
    }
    return s.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { $0.count <= 63 }
  }

  private static func isAlnum(_ u: Unicode.Scalar) -> Bool {
    ("a"..."z").contains(u) || ("A"..."Z").contains(u) || ("0"..."9").contains(u)
  }

  /// Why a control-service hostname cannot be used by a node's agent, or nil when it can.
  package static func hostnameProblem(_ host: String) -> (what: String, fix: String)? {
    if isLoopback(host) {
      return (
        "control-service hostname '\(host)' is the loopback: the node would register as 127.0.0.1",
        "use the control service's name or IP as the nodes reach it"
      )
    }
    if isSchemaHostname(host) { return nil }
    if host.contains("${") || host.contains("<") || host.contains("$") {
      return (
        "control-service hostname '\(host)' is an unfilled placeholder",
        "replace it with the control service's host name or IP address"
      )
    }
    if host.contains(":") {
      return (
        "control-service hostname '\(host)' is refused by the agent's schema (format hostname "
          + "takes letters, digits, '.' and '-'; no IPv6 literal, no port)",
        "use a DNS name or an IPv4 address, and put the port under 'port:'"
      )
    }
    return (
      "control-service hostname '\(host)' is refused by the agent's schema (format hostname: "
        + "letters, digits, '.' and '-', at least 2 characters)",
      "use the control service's DNS name or IPv4 address"
    )
  }

  /// localhost, *.localhost, localhost.localdomain, 127.0.0.0/8, ::1 and 0.0.0.0.
  package static func isLoopback(_ host: String) -> Bool {
    let h = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "."))
    if h == "localhost" || h.hasSuffix(".localhost") || h == "localhost.localdomain"
      || h == "ip6-localhost" || h == "ip6-loopback"
    {
      return true
    }
    var v4 = in_addr()
    if inet_pton(AF_INET, h, &v4) == 1 {
      let first = UInt32(bigEndian: v4.s_addr) >> 24
      return first == 127 || v4.s_addr == 0
    }
    var v6 = in6_addr()
    if inet_pton(AF_INET6, h.trimmingCharacters(in: CharacterSet(charactersIn: "[]")), &v6) == 1 {
      let bytes = withUnsafeBytes(of: &v6) { Array($0) }
      return bytes.dropLast().allSatisfy { $0 == 0 } && (bytes.last == 1 || bytes.last == 0)
    }
    return false
  }
}

// What a new sandbox finds or makes in its directory: certificates (reused when present),
// nodes (persisted), seeded datasets.

import Foundation
import FshPKI

#if canImport(Glibc)
  import Glibc
#endif

extension Sandbox {
  func seed(count: Int) {
    var generator = SystemRandomNumberGenerator()
    for number in 1...count {
      let primary = nodes.isEmpty ? randomUUID(&generator) : nodes[(number - 1) % nodes.count].uuid
      let digits = String(number)
      let name = "seed-" + String(repeating: "0", count: max(0, 5 - digits.count)) + digits
      model.addConvergedDataset(
        id: randomUUID(&generator), primary: primary, maximumSize: 1 << 30, name: name)
    }
  }

  static func makeDirectory(_ path: String) throws {
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
      guard isDirectory.boolValue else {
        throw SandboxError.certificates("\(path) exists and is not a directory.")
      }
      return
    }
    try FileManager.default.createDirectory(
      atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
  }

  static func prepareCertificates(
    directory: String, host: String, userName: String, keyBits: Int
  ) throws -> FlockerCA {
    let files = FileManager.default
    func exists(_ name: String) -> Bool { files.fileExists(atPath: directory + "/" + name) }
    func read(_ name: String) throws -> String {
      guard let data = files.contents(atPath: directory + "/" + name) else {
        throw SandboxError.certificates("Cannot read \(directory)/\(name).")
      }
      return String(decoding: data, as: UTF8.self)
    }
    let pairs = ["control-service", userName]
    let ca: FlockerCA
    if exists("cluster.crt") && exists("cluster.key") {
      ca = try FlockerCA.load(
        certificatePEM: try read("cluster.crt"), keyPEM: try read("cluster.key"), version: .v3)
    } else {
      for name in ["cluster.crt", "cluster.key"] + pairs.flatMap({ [$0 + ".crt", $0 + ".key"] })
      where exists(name) {
        throw SandboxError.certificates(
          "\(directory)/\(name) exists but the cluster CA (cluster.crt and cluster.key) is "
            + "incomplete; remove the directory's certificates or use an empty directory.")
      }
      ca = try FlockerCA.initialize(name: "sandbox", keyBits: keyBits, version: .v3)
      try writeCredentialFiles(ca.credential, directory: directory, name: "cluster")
    }
    var missing: [String] = []
    for name in pairs {
      let haveCertificate = exists(name + ".crt")
      let haveKey = exists(name + ".key")
      if haveCertificate && haveKey { continue }
      if haveCertificate != haveKey {
        throw SandboxError.certificates(
          "\(directory)/\(name).\(haveCertificate ? "crt" : "key") exists without its "
            + "\(haveCertificate ? "key" : "certificate"); remove it to let the sandbox issue a "
            + "new pair.")
      }
      missing.append(name)
    }
    // The pairs side by side: an RSA key is most of a new sandbox's start (OpenSSL 3.0 takes
    // 0.1-0.2 s for a 2048-bit one), and every rehearsal starts a new sandbox.
    let issued = IssuedPairs(count: missing.count)
    DispatchQueue.concurrentPerform(iterations: missing.count) { index in
      issued.set(
        index,
        Result {
          missing[index] == "control-service"
            ? try ca.issueControl(hostname: host, keyBits: keyBits)
            : try ca.issueUser(name: userName, keyBits: keyBits)
        })
    }
    for (index, name) in missing.enumerated() {
      try writeCredentialFiles(try issued.get(index), directory: directory, name: name)
    }
    return ca
  }

  static func prepareNodes(directory: String, count: Int, persist: Bool) throws
    -> [SandboxNode]
  {
    let path = directory + "/sandbox_nodes.json"
    var nodes: [SandboxNode] = []
    if persist, let data = FileManager.default.contents(atPath: path),
      case .array(let items)? = try? parseJSON(Array(data))
    {
      for item in items {
        guard case .object(let object) = item, let uuid = object["uuid"]?.stringValue,
          let host = object["host"]?.stringValue, let era = object["era"]?.stringValue
        else { continue }
        nodes.append(SandboxNode(uuid: uuid, host: host, era: era))
      }
    }
    var changed = false
    var generator = SystemRandomNumberGenerator()
    while nodes.count < count {
      nodes.append(
        SandboxNode(
          uuid: randomUUID(&generator), host: "10.0.0.\(nodes.count + 1)",
          era: randomUUID(&generator)))
      changed = true
    }
    nodes = Array(nodes.prefix(max(0, count)))
    if persist && changed {
      let items = nodes.map { node in
        JSONValue.object(
          JSONObject([
            ("uuid", .string(node.uuid)), ("host", .string(node.host)), ("era", .string(node.era)),
          ]))
      }
      try writeAtomically(path: path, bytes: encodeJSON(.array(items)) + [0x0A])
    }
    return nodes
  }
}

/// A random (version 4) UUID in lower case, without Foundation's overhead.
func randomUUID(_ generator: inout SystemRandomNumberGenerator) -> String {
  let high = generator.next() as UInt64
  let low = generator.next() as UInt64
  var bytes = [UInt8](repeating: 0, count: 16)
  for i in 0..<8 {
    bytes[i] = UInt8(truncatingIfNeeded: high >> UInt64(56 - 8 * i))
    bytes[8 + i] = UInt8(truncatingIfNeeded: low >> UInt64(56 - 8 * i))
  }
  bytes[6] = (bytes[6] & 0x0F) | 0x40
  bytes[8] = (bytes[8] & 0x3F) | 0x80
  let digits = Array("0123456789abcdef".utf8)
  var out: [UInt8] = []
  out.reserveCapacity(36)
  for (i, byte) in bytes.enumerated() {
    if i == 4 || i == 6 || i == 8 || i == 10 { out.append(UInt8(ascii: "-")) }
    out.append(digits[Int(byte >> 4)])
    out.append(digits[Int(byte & 0xF)])
  }
  return String(decoding: out, as: UTF8.self)
}

/// The credentials issued side by side by `prepareCertificates`, each slot written once.
private final class IssuedPairs: @unchecked Sendable {
  private let lock = NSLock()
  private var results: [Result<IssuedCredential, any Error>?]
  init(count: Int) { results = Array(repeating: nil, count: count) }
  func set(_ index: Int, _ result: Result<IssuedCredential, any Error>) {
    lock.lock()
    defer { lock.unlock() }
    results[index] = result
  }
  func get(_ index: Int) throws -> IssuedCredential {
    lock.lock()
    defer { lock.unlock() }
    guard let result = results[index] else {
      throw SandboxError.certificates("a credential was not issued")
    }
    return try result.get()
  }
}

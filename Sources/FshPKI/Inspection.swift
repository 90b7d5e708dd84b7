// Reading certificates and keys the way the TLS stacks that use them do: OpenSSL (and so libcurl
// and the Flocker services) for chains, Go (kubelets, flocker-go) for host names. Parsing and
// signature checks are OpenSSL's (ParsedCertificate.swift); nothing here reads ASN.1 by hand.
//
// X.509 v1 certificates that carry extensions (what flocker-ca writes) are read like any other,
// as OpenSSL reads them; chain checks are done directly (issuer name, signature, CA flag, key
// usage) so that each problem can be named, instead of one X509_verify_cert error.

import COpenSSL
import Foundation

/// What a certificate is for in a Flocker cluster, read from its subject and CA flag.
public enum FlockerRole: Equatable, Sendable, CustomStringConvertible {
  /// The cluster root (`cluster.crt`).
  case clusterCA
  /// The control service (`CN=control-service`).
  case controlService
  /// A node agent (`CN=node-<uuid>`).
  case node(uuid: String)
  /// An API user (`CN=user-<name>`).
  case user(name: String)
  /// Anything else.
  case other

  public var description: String {
    switch self {
    case .clusterCA: return "cluster CA"
    case .controlService: return "control service"
    case .node(let uuid): return "node \(uuid)"
    case .user(let name): return "API user \(name)"
    case .other: return "not a Flocker certificate"
    }
  }
}

/// Where a moment falls relative to a certificate's validity period.
public enum ValidityStatus: Equatable, Sendable {
  case valid
  case notYetValid
  case expired
}

/// Why a certificate does not chain to a CA, judged as OpenSSL does.
public enum ChainProblem: Equatable, Sendable, CustomStringConvertible {
  /// The certificate's issuer name is not the CA's subject.
  case issuerMismatch(issuer: String, caSubject: String)
  /// The names match but the CA's key did not make the signature.
  case badSignature
  /// The CA certificate is not a CA (basicConstraints CA:FALSE, or v3 without basicConstraints).
  case notACertificateAuthority
  /// The CA's keyUsage does not allow signing certificates.
  case keyUsageForbidsSigning

  public var description: String {
    switch self {
    case .issuerMismatch(let issuer, let subject):
      return "it was issued by '\(issuer)', not by '\(subject)'"
    case .badSignature:
      return "its issuer name matches but the CA's key did not sign it (a CA with the same name)"
    case .notACertificateAuthority:
      return "the CA certificate is not a certificate authority (basicConstraints)"
    case .keyUsageForbidsSigning:
      return "the CA certificate's keyUsage does not include keyCertSign"
    }
  }
}

/// One parsed certificate and the facts Flocker, OpenSSL and Go care about.
public struct CertificateInfo: Sendable {
  let parsed: ParsedCertificate
  /// The DER encoding, as found in the file.
  public let derBytes: [UInt8]

  /// Parses a DER certificate.
  public init(derBytes: [UInt8]) throws {
    do {
      parsed = try ParsedCertificate(der: derBytes)
    } catch {
      throw FlockerPKIError.invalidPEM(what: "certificate", reason: "\(error)")
    }
    self.derBytes = derBytes
  }

  /// Every `CERTIFICATE` block of PEM text, in order. Other blocks are ignored; throws when a
  /// certificate block does not parse. An empty result means there was none.
  public static func parseAll(pem: String) throws -> [CertificateInfo] {
    let blocks: [PEMBlock]
    do {
      blocks = try PEMBlock.all(pem)
    } catch {
      throw FlockerPKIError.invalidPEM(what: "PEM text", reason: "\(error)")
    }
    return try blocks.filter { $0.label == "CERTIFICATE" }.map {
      try CertificateInfo(derBytes: $0.der)
    }
  }

  /// The subject, RFC 4514 style (`CN=user-alice,OU=…`).
  public var subject: String { parsed.subject.description }
  /// The issuer, RFC 4514 style.
  public var issuer: String { parsed.issuer.description }
  /// The subject's commonName.
  public var commonName: String? { parsed.subject.commonName }
  /// The subject's organizationalUnitName: the cluster UUID in Flocker certificates.
  public var organizationalUnit: String? { parsed.subject.organizationalUnit }
  /// The issuer's commonName.
  public var issuerCommonName: String? { parsed.issuer.commonName }
  /// The X.509 version field.
  public var version: CertificateVersion { parsed.versionField == 0 ? .v1 : .v3 }
  /// The version as people read it: 1, 2 or 3.
  public var versionNumber: Int { parsed.versionField + 1 }
  /// Whether it carries any extension.
  public var hasExtensions: Bool { parsed.extensionCount > 0 }
  /// A version 1 certificate with extensions, what flocker-ca writes. OpenSSL reads the
  /// extensions; Go ≥ 1.17 ignores them (no SAN), and BoringSSL refuses the certificate.
  public var isVersion1WithExtensions: Bool { version == .v1 && hasExtensions }
  /// The serial number, lower-case hex.
  public var serialNumberHex: String { parsed.serialNumberHex }
  public var notValidBefore: Date { parsed.notValidBefore }
  public var notValidAfter: Date { parsed.notValidAfter }
  /// Whether the subject and issuer names are the same.
  public var isSelfIssued: Bool { parsed.subject.der == parsed.issuer.der }
  /// basicConstraints: true for CA:TRUE, false for CA:FALSE, nil when absent or unreadable.
  public var basicConstraintsCA: Bool? { parsed.basicConstraints.value }
  /// Whether OpenSSL treats it as a CA: basicConstraints CA:TRUE, or a self-issued version 1
  /// certificate without basicConstraints.
  public var isCertificateAuthority: Bool {
    if let ca = basicConstraintsCA { return ca }
    return version == .v1 && isSelfIssued
  }
  /// Subject alternative names as OpenSSL prints them, shortened: `DNS:control-service`,
  /// `IP:10.0.0.5`. Empty when there is no SAN extension.
  public var subjectAlternativeNames: [String] { hostNames.map(\.shown) }
  /// The subject alternative names, as host matching reads them.
  public var hostNames: [HostName] { parsed.subjectAlternativeNames.value ?? [] }
  /// extendedKeyUsage purposes (`clientAuth`, `serverAuth`…); nil when there is no EKU extension.
  public var extendedKeyUsage: [String]? { parsed.extendedKeyUsage.value }
  /// keyUsage as OpenSSL names it, nil when absent.
  public var keyUsage: [String]? { parsed.keyUsage.value }
  /// The public key's algorithm and size: `RSA 4096`, `ECDSA P-256`, `Ed25519`.
  public var publicKeyDescription: String { parsed.publicKeyDescription }
  /// The signature algorithm (`sha256WithRSAEncryption`…).
  public var signatureAlgorithm: String { parsed.signatureAlgorithm }
  /// SHA-256 of the DER, upper-case hex pairs joined by colons (as `openssl x509 -fingerprint`).
  public var sha256Fingerprint: String {
    var digest = [UInt8](repeating: 0, count: Int(SHA256_DIGEST_LENGTH))
    _ = SHA256(derBytes, derBytes.count, &digest)
    return digest.map { String(format: "%02X", $0) }.joined(separator: ":")
  }
  /// What it is for in a Flocker cluster.
  public var role: FlockerRole {
    if isCertificateAuthority && isSelfIssued { return .clusterCA }
    guard let name = commonName else { return .other }
    if name == "control-service" { return .controlService }
    if name.hasPrefix("node-") { return .node(uuid: String(name.dropFirst(5))) }
    if name.hasPrefix("user-") { return .user(name: String(name.dropFirst(5))) }
    return .other
  }

  /// Where `date` falls in the validity period.
  public func validity(at date: Date = Date()) -> ValidityStatus {
    if date < notValidBefore { return .notYetValid }
    if date > notValidAfter { return .expired }
    return .valid
  }

  /// Whether `ca` issued this certificate, as OpenSSL's chain verification decides it (names,
  /// signature, CA flag, keyUsage; validity is separate). nil means it chains.
  public func chainProblem(to ca: CertificateInfo) -> ChainProblem? {
    guard parsed.issuer.der == ca.parsed.subject.der else {
      return .issuerMismatch(issuer: issuer, caSubject: ca.subject)
    }
    guard isSigned(byKey: ca.parsed.publicKey) else { return .badSignature }
    if !ca.isCertificateAuthority { return .notACertificateAuthority }
    if let usage = ca.keyUsage, !usage.contains("keyCertSign") {
      return .keyUsageForbidsSigning
    }
    return nil
  }

  /// Whether a self-issued certificate's signature verifies with its own key.
  public var isSelfSigned: Bool { isSelfIssued && isSigned(byKey: parsed.publicKey) }

  /// Whether the signature verifies with the key of a SubjectPublicKeyInfo (X509_verify).
  func isSigned(byKey spki: [UInt8]) -> Bool {
    verifySignature(certificate: derBytes, key: spki)
  }

  /// Whether `host` matches a subject alternative name the way Go's `VerifyHostname` does: SAN
  /// only (no commonName fallback), DNS names case-insensitively with a leading `*.` wildcard
  /// for one label, IP addresses compared as addresses. The extensions are read whatever the
  /// version (OpenSSL, and Go before 1.17); see `isVersion1WithExtensions`.
  public func matchesHost(_ host: String) -> Bool { HostName.matches(hostNames, host: host) }

  /// Whether this certificate holds the public key of `key`.
  public func matches(_ key: PrivateKeyInfo) -> Bool {
    guard let publicKey = key.publicKey else { return false }
    return samePublicKey(publicKey, parsed.publicKey)
  }

  static func formatIP(_ bytes: [UInt8]) -> String {
    var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
    let family: Int32
    switch bytes.count {
    case 4: family = AF_INET
    case 16: family = AF_INET6
    default: return bytes.map { String($0) }.joined(separator: ".")
    }
    let ok = bytes.withUnsafeBytes { raw in
      inet_ntop(family, raw.baseAddress, &buffer, socklen_t(buffer.count)) != nil
    }
    return ok ? String(cString: buffer) : bytes.map { String($0) }.joined(separator: ".")
  }
}

/// Whether the signature of a DER certificate verifies with the key of a DER
/// SubjectPublicKeyInfo.
func verifySignature(certificate: [UInt8], key spki: [UInt8]) -> Bool {
  defer { ERR_clear_error() }
  return withX509(certificate) { x509 in
    withPublicKey(spki) { X509_verify(x509, $0) == 1 } ?? false
  } ?? false
}

/// What a private key file holds, without ever exposing the key: its PEM format, whether it is
/// encrypted, its algorithm and size, and (when unencrypted) its public half for matching.
public struct PrivateKeyInfo: Sendable {
  /// How the key is stored.
  public enum Format: String, Sendable {
    /// `BEGIN RSA PRIVATE KEY` (flocker-ca's format).
    case pkcs1 = "PKCS#1 RSA"
    /// `BEGIN PRIVATE KEY`.
    case pkcs8 = "PKCS#8"
    /// `BEGIN EC PRIVATE KEY`.
    case sec1 = "SEC1 EC"
    /// `BEGIN ENCRYPTED PRIVATE KEY`.
    case encryptedPKCS8 = "encrypted PKCS#8"
  }

  public let format: Format
  /// Encrypted keys need a passphrase; Go's `tls.X509KeyPair` and the kubelet cannot use them.
  public let isEncrypted: Bool
  /// `RSA 4096`, `ECDSA P-256`…; nil when encrypted.
  public let algorithm: String?
  /// The SubjectPublicKeyInfo DER of the public half; nil when encrypted.
  let publicKey: [UInt8]?

  /// Reads the first private key block of PEM text. Throws when there is none or it does not
  /// parse (the error never contains key bytes).
  public init(pem: String) throws {
    let labels = pemLabels(pem)
    guard let label = labels.first(where: { $0.hasSuffix("PRIVATE KEY") }) else {
      throw FlockerPKIError.invalidPEM(
        what: "private key",
        reason: labels.isEmpty
          ? "no PEM block" : "no PRIVATE KEY block (found \(labels.joined(separator: ", ")))")
    }
    let legacyEncrypted = pem.contains("Proc-Type: 4,ENCRYPTED")
    switch label {
    case "ENCRYPTED PRIVATE KEY":
      format = .encryptedPKCS8
    case "RSA PRIVATE KEY":
      format = .pkcs1
    case "EC PRIVATE KEY":
      format = .sec1
    case "PRIVATE KEY":
      format = .pkcs8
    default:
      throw FlockerPKIError.invalidPEM(what: "private key", reason: "unsupported '\(label)' block")
    }
    if format == .encryptedPKCS8 || legacyEncrypted {
      isEncrypted = true
      algorithm = format == .pkcs1 ? "RSA" : format == .sec1 ? "ECDSA" : nil
      publicKey = nil
      return
    }
    isEncrypted = false
    let block: PEMBlock?
    do {
      block = try PEMBlock.all(pem).first { $0.label == label }
    } catch {
      throw Self.doesNotParse(label)
    }
    guard let block else {
      throw FlockerPKIError.invalidPEM(what: "private key", reason: "no '\(label)' block")
    }
    // The key kinds FshPKI has always read: RSA of 2048 bits or more, ECDSA P-256/384/521
    // (SEC1 or PKCS#8) and Ed25519 (PKCS#8).
    let read: (OpaquePointer) -> (String, [UInt8])? = { key in
      guard let algorithm = keyDescription(key, minimumRSABits: 2048),
        let spki = publicKeyDER(key)
      else { return nil }
      return (algorithm, spki)
    }
    let decoded: (String, [UInt8])??
    switch format {
    case .pkcs1:
      decoded = withDecoded(
        block.der, decode: { d2i_PrivateKey(EVP_PKEY_RSA, nil, $0, $1) },
        free: { EVP_PKEY_free($0) }, read)
    case .sec1:
      decoded = withDecoded(
        block.der, decode: { d2i_PrivateKey(EVP_PKEY_EC, nil, $0, $1) },
        free: { EVP_PKEY_free($0) }, read)
    default:
      decoded = withDecoded(
        block.der, decode: { pkcs8Key($0, $1) }, free: { EVP_PKEY_free($0) }, read)
    }
    // Only the label in the reason: the key's bytes never reach an error.
    guard let (algorithm, spki) = decoded ?? nil else { throw Self.doesNotParse(label) }
    self.algorithm = algorithm
    publicKey = spki
  }

  private static func doesNotParse(_ label: String) -> FlockerPKIError {
    .invalidPEM(what: "private key", reason: "the '\(label)' block does not parse")
  }
}

/// The key of a DER PKCS#8 PrivateKeyInfo (unencrypted), the cursor moved past it.
private func pkcs8Key(_ cursor: UnsafeMutablePointer<UnsafePointer<UInt8>?>, _ count: Int)
  -> OpaquePointer?
{
  guard let info = d2i_PKCS8_PRIV_KEY_INFO(nil, cursor, count) else { return nil }
  defer { PKCS8_PRIV_KEY_INFO_free(info) }
  return EVP_PKCS82PKEY(info)
}

/// The labels of the PEM blocks in text (`CERTIFICATE`, `RSA PRIVATE KEY`…), in order.
public func pemLabels(_ text: String) -> [String] {
  // The BEGIN markers are found with memchr and only their lines are read as text: `certs
  // check` reads every file it is given through here, and the fuzz tests thousands of mutated
  // ones (splitting every line into Characters was most of their time in a debug build).
  var text = text
  return text.withUTF8 { bytes -> [String] in
    guard let base = bytes.baseAddress else { return [] }
    let marker = Array("-----BEGIN ".utf8)
    var labels: [String] = []
    var offset = 0
    while offset < bytes.count,
      let dash = memchr(base + offset, Int32(UInt8(ascii: "-")), bytes.count - offset)
    {
      let at = base.distance(to: dash.assumingMemoryBound(to: UInt8.self))
      offset = at + 1
      guard bytes.count - at >= marker.count, memcmp(base + at, marker, marker.count) == 0 else {
        continue
      }
      offset = at + marker.count
      var lineStart = at
      while lineStart > 0, !endsLine(bytes, lineStart - 1) { lineStart -= 1 }
      var lineEnd = at
      while lineEnd < bytes.count, !startsLineBreak(bytes, lineEnd) { lineEnd += 1 }
      let before = String(
        decoding: UnsafeBufferPointer(rebasing: bytes[lineStart..<at]), as: UTF8.self)
      guard before.unicodeScalars.allSatisfy(isHorizontalSpace) else { continue }
      var rest = String(
        decoding: UnsafeBufferPointer(rebasing: bytes[offset..<lineEnd]), as: UTF8.self
      ).unicodeScalars[...]
      while let last = rest.last, isHorizontalSpace(last) { rest = rest.dropLast() }
      let dashes = "-----".unicodeScalars
      guard rest.count > dashes.count, rest.suffix(dashes.count).elementsEqual(dashes) else {
        continue
      }
      labels.append(String(String.UnicodeScalarView(rest.dropLast(dashes.count))))
    }
    return labels
  }
}

/// Whether a line break (`Character.isNewline`: LF, VT, FF, CR, NEL, LINE and PARAGRAPH
/// SEPARATOR) ends at byte `index`.
private func endsLine(_ bytes: UnsafeBufferPointer<UInt8>, _ index: Int) -> Bool {
  switch bytes[index] {
  case 0x0A...0x0D: return true
  case 0x85: return index >= 1 && bytes[index - 1] == 0xC2
  case 0xA8, 0xA9: return index >= 2 && bytes[index - 2] == 0xE2 && bytes[index - 1] == 0x80
  default: return false
  }
}

/// Whether a line break starts at byte `index`.
private func startsLineBreak(_ bytes: UnsafeBufferPointer<UInt8>, _ index: Int) -> Bool {
  switch bytes[index] {
  case 0x0A...0x0D: return true
  case 0xC2: return index + 1 < bytes.count && bytes[index + 1] == 0x85
  case 0xE2:
    return index + 2 < bytes.count && bytes[index + 1] == 0x80
      && (bytes[index + 2] == 0xA8 || bytes[index + 2] == 0xA9)
  default: return false
  }
}

/// `CharacterSet.whitespaces`: tab and the space separators.
private func isHorizontalSpace(_ scalar: Unicode.Scalar) -> Bool {
  scalar == "\t" || scalar.properties.generalCategory == .spaceSeparator
}

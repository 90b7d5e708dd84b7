// Certificates the way `flocker-ca` makes them (reference/flocker-api.md §4.2).
//
// Every certificate: RSA key (4096 bits like flocker-ca), sha256WithRSAEncryption, notBefore = now,
// notAfter = now + 7300 days, a random positive 128-bit serial number, subject `OU=<cluster uuid>,
// CN=<...>`, issuer = the CA's subject. flocker-ca never calls `set_version`, so its certificates
// are X.509 **version 1** even though they carry v3 extensions; `CertificateVersion.v1` reproduces
// that byte for byte (the `[0] version` field is simply absent from the DER).

import Crypto
import Foundation
import SwiftASN1
import X509
import _CryptoExtras

/// Which X.509 version field certificates are written with.
public enum CertificateVersion: String, Sendable, CaseIterable {
  /// Version 1 (no version field in the DER) carrying v3 extensions, as `flocker-ca` writes them.
  /// OpenSSL 3 and curl accept these; BoringSSL (NIOSSL) refuses to parse them.
  case v1
  /// Version 3, what every modern toolkit expects.
  case v3
}

/// What a certificate was issued for; decides its subject and extensions.
public enum CredentialKind: String, Sendable {
  /// The cluster root (`flocker-ca initialize`).
  case certificateAuthority
  /// The control service (`flocker-ca create-control-certificate`).
  case control
  /// A node agent (`flocker-ca create-node-certificate`).
  case node
  /// An API user (`flocker-ca create-api-certificate`).
  case user
}

/// Errors from `FshPKI`. `description` says what went wrong and what to do.
public enum FlockerPKIError: Error, CustomStringConvertible, Equatable {
  /// A file that would be written already exists; flocker-ca never overwrites.
  case fileExists(path: String)
  /// A file could not be written.
  case writeFailed(path: String, errno: Int32)
  /// PEM text did not hold a parsable certificate or key.
  case invalidPEM(what: String, reason: String)
  /// The key does not belong to the certificate.
  case keyMismatch
  /// The CA certificate lacks the `OU=<cluster uuid>` attribute.
  case missingClusterUUID
  /// An argument was not acceptable (empty user name, bad key size...).
  case invalidArgument(String)

  public var description: String {
    switch self {
    case .fileExists(let path):
      return "\(path) already exists; certificates and keys are never overwritten. "
        + "Move it away or choose another name."
    case .writeFailed(let path, let code):
      return "Unable to write \(path): \(String(cString: strerror(code)))."
    case .invalidPEM(let what, let reason):
      return "Could not parse the \(what): \(reason)."
    case .keyMismatch:
      return "The private key does not match the certificate."
    case .missingClusterUUID:
      return "The CA certificate has no organizationalUnitName (cluster UUID)."
    case .invalidArgument(let message):
      return message
    }
  }
}

/// A certificate and its private key, both PEM, as written to `<name>.crt` / `<name>.key`.
public struct IssuedCredential: Sendable {
  /// The certificate, `-----BEGIN CERTIFICATE-----`.
  public let certificatePEM: String
  /// The private key, PKCS#1 `-----BEGIN RSA PRIVATE KEY-----`.
  public let privateKeyPEM: String
  /// The subject's commonName, e.g. `user-admin`, `node-<uuid>`, `control-service`.
  public let commonName: String
  /// The cluster UUID (the subject's organizationalUnitName).
  public let clusterUUID: String
  /// What the certificate is for.
  public let kind: CredentialKind
  /// The certificate's serial number, lower-case hex.
  public let serialNumberHex: String
  /// For node certificates, the node UUID (the CN without `node-`); otherwise nil.
  public var nodeUUID: String? {
    kind == .node ? String(commonName.dropFirst("node-".count)) : nil
  }
  /// The file base name flocker-ca uses: `cluster`, `control-<host>`, `<uuid>`, `<username>`.
  public let suggestedFileName: String
}

/// A Flocker cluster certificate authority: issues control, node and user certificates with the
/// subjects and extensions `flocker-ca` gives them.
public struct FlockerCA: Sendable {
  /// The CA certificate (`cluster.crt`), PEM.
  public let certificatePEM: String
  /// The CA key (`cluster.key`), PEM.
  public let privateKeyPEM: String
  /// The cluster name (the CA's commonName).
  public let name: String
  /// The cluster UUID (the CA's organizationalUnitName), copied into every issued certificate.
  public let clusterUUID: String
  /// The X.509 version used for certificates this value issues.
  public var version: CertificateVersion
  /// The validity period of certificates issued from now on; nil (the default) is flocker-ca's:
  /// from now (whole seconds) for 7300 days. Tests set it to make expired certificates.
  public var validity: DateInterval?

  private let certificate: Certificate
  private let key: _RSA.Signing.PrivateKey

  /// The CA as an `IssuedCredential` (file name `cluster`).
  public var credential: IssuedCredential {
    IssuedCredential(
      certificatePEM: certificatePEM, privateKeyPEM: privateKeyPEM, commonName: name,
      clusterUUID: clusterUUID, kind: .certificateAuthority,
      serialNumberHex: Self.hex(certificate.serialNumber.bytes), suggestedFileName: "cluster")
  }

  /// Creates a new cluster CA like `flocker-ca initialize <name>`: subject `CN=<name>,
  /// OU=<new uuid4>`, self-signed, basicConstraints critical CA:TRUE pathlen:0, keyUsage critical
  /// keyCertSign+cRLSign, subjectKeyIdentifier and authorityKeyIdentifier (keyid).
  /// - Parameters:
  ///   - keyBits: RSA modulus size; flocker-ca uses 4096 (slow to generate; tests use 2048).
  ///   - version: X.509 version of this and of every certificate it issues.
  ///   - validity: the CA's own validity period; nil is flocker-ca's 7300 days from now.
  public static func initialize(
    name: String, keyBits: Int = 4096, version: CertificateVersion = .v1,
    validity: DateInterval? = nil
  ) throws -> FlockerCA {
    guard !name.isEmpty else { throw FlockerPKIError.invalidArgument("The cluster name is empty.") }
    let key = try makeKey(bits: keyBits)
    let clusterUUID = UUID().uuidString.lowercased()
    let subject = try DistinguishedName {
      OrganizationalUnitName(clusterUUID)
      CommonName(name)
    }
    let publicKey = Certificate.PublicKey(key.publicKey)
    let ski = SubjectKeyIdentifier(hash: publicKey)
    let extensions = try Certificate.Extensions {
      Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
      Critical(KeyUsage(keyCertSign: true, cRLSign: true))
      ski
      AuthorityKeyIdentifier(keyIdentifier: ski.keyIdentifier)
    }
    let certificate = try sign(
      version: version, publicKey: publicKey, issuer: subject, subject: subject,
      extensions: extensions, issuerKey: key, validity: validity)
    return FlockerCA(
      certificatePEM: try certificate.serializeAsPEM().pemString,
      privateKeyPEM: key.pemRepresentation, name: name, clusterUUID: clusterUUID,
      version: version, certificate: certificate, key: key)
  }

  /// Loads an existing CA (`cluster.crt` + `cluster.key`). The key may be PKCS#1 or PKCS#8.
  /// - Parameter version: X.509 version for certificates issued from now on.
  public static func load(
    certificatePEM: String, keyPEM: String, version: CertificateVersion = .v1
  ) throws -> FlockerCA {
    let certificate: Certificate
    do {
      certificate = try Certificate(pemEncoded: certificatePEM)
    } catch {
      throw FlockerPKIError.invalidPEM(what: "CA certificate", reason: "\(error)")
    }
    let key: _RSA.Signing.PrivateKey
    do {
      key = try _RSA.Signing.PrivateKey(unsafePEMRepresentation: keyPEM)
    } catch {
      throw FlockerPKIError.invalidPEM(what: "CA key", reason: "\(error)")
    }
    guard Certificate.PublicKey(key.publicKey) == certificate.publicKey else {
      throw FlockerPKIError.keyMismatch
    }
    let summary = CertificateSummary(certificate)
    guard let clusterUUID = summary.organizationalUnit else {
      throw FlockerPKIError.missingClusterUUID
    }
    return FlockerCA(
      certificatePEM: certificatePEM, privateKeyPEM: keyPEM, name: summary.commonName ?? "",
      clusterUUID: clusterUUID, version: version, certificate: certificate, key: key)
  }

  /// Issues the control service certificate like `flocker-ca create-control-certificate <host>`:
  /// `CN=control-service`, subjectAltName `DNS:control-service` plus `IP:<host>` when `hostname`
  /// parses as an IPv4/IPv6 address, else `DNS:<host>`. No keyUsage, no extendedKeyUsage.
  public func issueControl(hostname: String, keyBits: Int = 4096) throws -> IssuedCredential {
    guard !hostname.isEmpty else {
      throw FlockerPKIError.invalidArgument("The control service hostname is empty.")
    }
    var names: [GeneralName] = [.dnsName("control-service")]
    if let ip = Self.ipAddressBytes(hostname) {
      names.append(.ipAddress(ASN1OctetString(contentBytes: ip[...])))
    } else {
      names.append(.dnsName(hostname))
    }
    let extensions = try Certificate.Extensions { SubjectAlternativeNames(names) }
    return try issue(
      commonName: "control-service", kind: .control, extensions: extensions, keyBits: keyBits,
      fileName: "control-\(hostname)")
  }

  /// Issues a node agent certificate like `flocker-ca create-node-certificate`:
  /// `CN=node-<new uuid4>`, no extensions. `nodeUUID` of the result is the node's identity.
  public func issueNode(keyBits: Int = 4096) throws -> IssuedCredential {
    let uuid = UUID().uuidString.lowercased()
    return try issue(
      commonName: "node-\(uuid)", kind: .node, extensions: Certificate.Extensions(),
      keyBits: keyBits, fileName: uuid)
  }

  /// Issues an API user certificate like `flocker-ca create-api-certificate <name>`:
  /// `CN=user-<name>`, extendedKeyUsage clientAuth (non-critical).
  public func issueUser(name: String, keyBits: Int = 4096) throws -> IssuedCredential {
    guard !name.isEmpty else { throw FlockerPKIError.invalidArgument("The user name is empty.") }
    let extensions = try Certificate.Extensions { try ExtendedKeyUsage([.clientAuth]) }
    return try issue(
      commonName: "user-\(name)", kind: .user, extensions: extensions, keyBits: keyBits,
      fileName: name)
  }

  // MARK: - Internals

  private func issue(
    commonName: String, kind: CredentialKind, extensions: Certificate.Extensions, keyBits: Int,
    fileName: String
  ) throws -> IssuedCredential {
    let key = try Self.makeKey(bits: keyBits)
    let subject = try DistinguishedName {
      OrganizationalUnitName(clusterUUID)
      CommonName(commonName)
    }
    let certificate = try Self.sign(
      version: version, publicKey: Certificate.PublicKey(key.publicKey),
      issuer: self.certificate.subject, subject: subject, extensions: extensions,
      issuerKey: self.key, validity: validity
    )
    return IssuedCredential(
      certificatePEM: try certificate.serializeAsPEM().pemString,
      privateKeyPEM: key.pemRepresentation, commonName: commonName, clusterUUID: clusterUUID,
      kind: kind, serialNumberHex: Self.hex(certificate.serialNumber.bytes),
      suggestedFileName: fileName)
  }

  private static func makeKey(bits: Int) throws -> _RSA.Signing.PrivateKey {
    guard [2048, 3072, 4096].contains(bits) else {
      throw FlockerPKIError.invalidArgument("Unsupported RSA key size \(bits) (use 2048-4096).")
    }
    return try _RSA.Signing.PrivateKey(keySize: .init(bitCount: bits))
  }

  private static func sign(
    version: CertificateVersion, publicKey: Certificate.PublicKey, issuer: DistinguishedName,
    subject: DistinguishedName, extensions: Certificate.Extensions,
    issuerKey: _RSA.Signing.PrivateKey, validity: DateInterval?
  ) throws -> Certificate {
    // A random positive 128-bit serial (flocker-ca: os.urandom(16)); SerialNumber adds the
    // leading zero byte DER needs when the top bit is set.
    var serial = [UInt8](repeating: 0, count: 16)
    var rng = SystemRandomNumberGenerator()
    for index in serial.indices { serial[index] = rng.next() }
    if serial.allSatisfy({ $0 == 0 }) { serial[15] = 1 }
    // Whole seconds, rounded down like OpenSSL's X509_gmtime_adj (swift-certificates would round
    // to the nearest second, which can put notBefore up to 0.5 s in the future).
    let now = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
    let period = validity ?? DateInterval(start: now, duration: 7300 * 86400)
    return try Certificate(
      version: version == .v1 ? .v1 : .v3,
      serialNumber: Certificate.SerialNumber(bytes: serial), publicKey: publicKey,
      notValidBefore: period.start, notValidAfter: period.end, issuer: issuer,
      subject: subject, signatureAlgorithm: .sha256WithRSAEncryption, extensions: extensions,
      issuerPrivateKey: Certificate.PrivateKey(issuerKey))
  }

  static func hex<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
    bytes.map { String(format: "%02x", $0) }.joined()
  }

  /// The network-order bytes of `text` if it is an IPv4 or IPv6 address literal.
  public static func ipAddressBytes(_ text: String) -> [UInt8]? {
    var v4 = in_addr()
    if inet_pton(AF_INET, text, &v4) == 1 {
      return withUnsafeBytes(of: &v4) { Array($0) }
    }
    var v6 = in6_addr()
    if inet_pton(AF_INET6, text, &v6) == 1 {
      return withUnsafeBytes(of: &v6) { Array($0) }
    }
    return nil
  }

  private init(
    certificatePEM: String, privateKeyPEM: String, name: String, clusterUUID: String,
    version: CertificateVersion, certificate: Certificate, key: _RSA.Signing.PrivateKey
  ) {
    self.certificatePEM = certificatePEM
    self.privateKeyPEM = privateKeyPEM
    self.name = name
    self.clusterUUID = clusterUUID
    self.version = version
    self.certificate = certificate
    self.key = key
  }
}

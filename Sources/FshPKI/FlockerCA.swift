// Certificates the way `flocker-ca` makes them (reference/flocker-api.md §4.2).
//
// Every certificate: RSA key (4096 bits like flocker-ca), sha256WithRSAEncryption, notBefore = now,
// notAfter = now + 7300 days, a random positive 128-bit serial number, subject `OU=<cluster uuid>,
// CN=<...>`, issuer = the CA's subject. flocker-ca never calls `set_version`, so its certificates
// are X.509 **version 1** even though they carry v3 extensions; `CertificateVersion.v1` reproduces
// that byte for byte (the `[0] version` field is simply absent from the DER).

import COpenSSL
import Foundation

/// Which X.509 version field certificates are written with.
public enum CertificateVersion: String, Sendable, CaseIterable {
  /// Version 1 (no version field in the DER) carrying v3 extensions, as `flocker-ca` writes them.
  /// OpenSSL 3 and curl accept these (and the sandbox serves them); BoringSSL refuses to parse them.
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

  /// The CA certificate's DER and its facts, and the CA key as PKCS#1 DER: plain bytes, parsed
  /// again for each certificate issued.
  private let certificateDER: [UInt8]
  private let certificateFacts: ParsedCertificate
  private let keyDER: [UInt8]

  /// The CA as an `IssuedCredential` (file name `cluster`).
  public var credential: IssuedCredential {
    IssuedCredential(
      certificatePEM: certificatePEM, privateKeyPEM: privateKeyPEM, commonName: name,
      clusterUUID: clusterUUID, kind: .certificateAuthority,
      serialNumberHex: certificateFacts.serialNumberHex, suggestedFileName: "cluster")
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
    defer { EVP_PKEY_free(key) }
    let clusterUUID = UUID().uuidString.lowercased()
    let certificate = try sign(
      version: version, subjectKey: key, issuer: nil,
      subject: [(NID_organizationalUnitName, clusterUUID), (NID_commonName, name)],
      issuerKey: key, validity: validity
    ) { x509 in
      let constraints = BASIC_CONSTRAINTS_new()
      defer { BASIC_CONSTRAINTS_free(constraints) }
      constraints?.pointee.ca = 0xff
      constraints?.pointee.pathlen = ASN1_INTEGER_new()
      let usage = ASN1_BIT_STRING_new()
      defer { ASN1_BIT_STRING_free(usage) }
      let identifier = ASN1_OCTET_STRING_new()
      defer { ASN1_OCTET_STRING_free(identifier) }
      let authority = AUTHORITY_KEYID_new()
      defer { AUTHORITY_KEYID_free(authority) }
      // keyUsage keyCertSign (bit 5) and cRLSign (bit 6); subjectKeyIdentifier the SHA-1 of
      // the public key bits (RFC 5280 4.2.1.2, method 1), authorityKeyIdentifier the same keyid.
      var digest = [UInt8](repeating: 0, count: Int(SHA_DIGEST_LENGTH))
      var length: UInt32 = 0
      guard let constraints, let pathlen = constraints.pointee.pathlen,
        ASN1_INTEGER_set(pathlen, 0) == 1, let usage,
        ASN1_BIT_STRING_set_bit(usage, 5, 1) == 1, ASN1_BIT_STRING_set_bit(usage, 6, 1) == 1,
        X509_pubkey_digest(x509, EVP_sha1(), &digest, &length) == 1, let identifier,
        ASN1_OCTET_STRING_set(identifier, digest, Int32(length)) == 1, let authority,
        let keyID = ASN1_OCTET_STRING_dup(identifier)
      else { return false }
      authority.pointee.keyid = keyID
      return X509_add1_ext_i2d(x509, NID_basic_constraints, constraints, 1, 0) == 1
        && X509_add1_ext_i2d(x509, NID_key_usage, usage, 1, 0) == 1
        && X509_add1_ext_i2d(x509, NID_subject_key_identifier, identifier, 0, 0) == 1
        && X509_add1_ext_i2d(x509, NID_authority_key_identifier, authority, 0, 0) == 1
    }
    guard let keyDER = encodeDER({ i2d_PrivateKey(key, $0) }) else {
      throw OpenSSLError("cannot encode the CA key")
    }
    return FlockerCA(
      certificatePEM: PEMBlock(label: "CERTIFICATE", der: certificate.der).text,
      privateKeyPEM: try privateKeyPEM(key), name: name, clusterUUID: clusterUUID,
      version: version, certificateDER: certificate.der, certificateFacts: certificate.facts,
      keyDER: keyDER)
  }

  /// Loads an existing CA (`cluster.crt` + `cluster.key`). The key may be PKCS#1 or PKCS#8.
  /// - Parameter version: X.509 version for certificates issued from now on.
  public static func load(
    certificatePEM: String, keyPEM: String, version: CertificateVersion = .v1
  ) throws -> FlockerCA {
    let certificateDER: [UInt8]
    let facts: ParsedCertificate
    do {
      let block = try PEMBlock(single: certificatePEM)
      guard block.label == "CERTIFICATE" else {
        throw PEMError("PEM block is '\(block.label)', expected 'CERTIFICATE'")
      }
      facts = try ParsedCertificate(der: block.der)
      certificateDER = block.der
    } catch {
      throw FlockerPKIError.invalidPEM(what: "CA certificate", reason: "\(error)")
    }
    // The first private key block, PKCS#1 or PKCS#8, RSA of at least 1024 bits; encrypted keys
    // are refused (never a passphrase prompt).
    let keyDER: [UInt8] = try withBIO(reading: keyPEM) { bio in
      guard let key = fsh_pki_read_private_key(bio) else {
        throw FlockerPKIError.invalidPEM(
          what: "CA key", reason: "\(OpenSSLError("no readable RSA private key"))")
      }
      defer { EVP_PKEY_free(key) }
      guard EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA else {
        throw FlockerPKIError.invalidPEM(what: "CA key", reason: "not an RSA key")
      }
      guard EVP_PKEY_get_bits(key) >= 1024 else {
        throw FlockerPKIError.invalidPEM(what: "CA key", reason: "RSA key smaller than 1024 bits")
      }
      guard samePublicKey(publicKeyDER(key) ?? [], facts.publicKey) else {
        throw FlockerPKIError.keyMismatch
      }
      guard let der = encodeDER({ i2d_PrivateKey(key, $0) }) else {
        throw FlockerPKIError.invalidPEM(what: "CA key", reason: "\(OpenSSLError("cannot encode"))")
      }
      return der
    }
    guard let clusterUUID = facts.subject.organizationalUnit else {
      throw FlockerPKIError.missingClusterUUID
    }
    return FlockerCA(
      certificatePEM: certificatePEM, privateKeyPEM: keyPEM, name: facts.subject.commonName ?? "",
      clusterUUID: clusterUUID, version: version, certificateDER: certificateDER,
      certificateFacts: facts, keyDER: keyDER)
  }

  /// Issues the control service certificate like `flocker-ca create-control-certificate <host>`:
  /// `CN=control-service`, subjectAltName `DNS:control-service` plus `IP:<host>` when `hostname`
  /// parses as an IPv4/IPv6 address, else `DNS:<host>`. No keyUsage, no extendedKeyUsage.
  public func issueControl(hostname: String, keyBits: Int = 4096) throws -> IssuedCredential {
    guard !hostname.isEmpty else {
      throw FlockerPKIError.invalidArgument("The control service hostname is empty.")
    }
    var names: [(Int32, [UInt8])] = [(GEN_DNS, Array("control-service".utf8))]
    if let ip = Self.ipAddressBytes(hostname) {
      names.append((GEN_IPADD, ip))
    } else {
      names.append((GEN_DNS, Array(hostname.utf8)))
    }
    return try issue(
      commonName: "control-service", kind: .control, keyBits: keyBits,
      fileName: "control-\(hostname)"
    ) { x509 in
      guard let list = GENERAL_NAMES_new() else { return false }
      defer { GENERAL_NAMES_free(list) }
      for (type, bytes) in names {
        guard
          let value = ASN1_STRING_type_new(type == GEN_DNS ? V_ASN1_IA5STRING : V_ASN1_OCTET_STRING)
        else { return false }
        guard ASN1_STRING_set(value, bytes, Int32(bytes.count)) == 1, let name = GENERAL_NAME_new()
        else {
          ASN1_STRING_free(value)
          return false
        }
        GENERAL_NAME_set0_value(name, type, UnsafeMutableRawPointer(value))
        guard fsh_pki_general_names_push(list, name) == 1 else {
          GENERAL_NAME_free(name)
          return false
        }
      }
      return X509_add1_ext_i2d(x509, NID_subject_alt_name, UnsafeMutableRawPointer(list), 0, 0) == 1
    }
  }

  /// Issues a node agent certificate like `flocker-ca create-node-certificate`:
  /// `CN=node-<new uuid4>`, no extensions. `nodeUUID` of the result is the node's identity.
  public func issueNode(keyBits: Int = 4096) throws -> IssuedCredential {
    let uuid = UUID().uuidString.lowercased()
    return try issue(commonName: "node-\(uuid)", kind: .node, keyBits: keyBits, fileName: uuid) {
      _ in true
    }
  }

  /// Issues an API user certificate like `flocker-ca create-api-certificate <name>`:
  /// `CN=user-<name>`, extendedKeyUsage clientAuth (non-critical).
  public func issueUser(name: String, keyBits: Int = 4096) throws -> IssuedCredential {
    guard !name.isEmpty else { throw FlockerPKIError.invalidArgument("The user name is empty.") }
    return try issue(commonName: "user-\(name)", kind: .user, keyBits: keyBits, fileName: name) {
      x509 in
      guard let usage = EXTENDED_KEY_USAGE_new() else { return false }
      defer { EXTENDED_KEY_USAGE_free(usage) }
      guard let clientAuth = OBJ_nid2obj(NID_client_auth),
        fsh_pki_eku_push(usage, clientAuth) == 1
      else { return false }
      return X509_add1_ext_i2d(x509, NID_ext_key_usage, UnsafeMutableRawPointer(usage), 0, 0) == 1
    }
  }

  // MARK: - Internals

  private func issue(
    commonName: String, kind: CredentialKind, keyBits: Int, fileName: String,
    extensions: (OpaquePointer) -> Bool
  ) throws -> IssuedCredential {
    let key = try Self.makeKey(bits: keyBits)
    defer { EVP_PKEY_free(key) }
    let signed = try withRSAPrivateKey(keyDER) { issuerKey in
      try withX509(certificateDER) { caCertificate in
        try Self.sign(
          version: version, subjectKey: key, issuer: X509_get_subject_name(caCertificate),
          subject: [(NID_organizationalUnitName, clusterUUID), (NID_commonName, commonName)],
          issuerKey: issuerKey, validity: validity, extensions: extensions)
      }
    }
    guard let signed = signed ?? nil else { throw OpenSSLError("cannot read the CA") }
    return IssuedCredential(
      certificatePEM: PEMBlock(label: "CERTIFICATE", der: signed.der).text,
      privateKeyPEM: try Self.privateKeyPEM(key), commonName: commonName,
      clusterUUID: clusterUUID, kind: kind, serialNumberHex: signed.facts.serialNumberHex,
      suggestedFileName: fileName)
  }

  private init(
    certificatePEM: String, privateKeyPEM: String, name: String, clusterUUID: String,
    version: CertificateVersion, certificateDER: [UInt8], certificateFacts: ParsedCertificate,
    keyDER: [UInt8]
  ) {
    self.certificatePEM = certificatePEM
    self.privateKeyPEM = privateKeyPEM
    self.name = name
    self.clusterUUID = clusterUUID
    self.version = version
    self.certificateDER = certificateDER
    self.certificateFacts = certificateFacts
    self.keyDER = keyDER
  }
}

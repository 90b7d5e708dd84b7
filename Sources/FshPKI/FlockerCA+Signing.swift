// Keys and signatures for FlockerCA: RSA keys (PKCS#1 PEM, as flocker-ca writes them), the
// certificate itself (subject, issuer, validity, serial, extensions) signed with SHA-256.

import COpenSSL
import Foundation

extension FlockerCA {
  /// A new RSA key; the caller frees it.
  static func makeKey(bits: Int) throws -> OpaquePointer {
    guard [2048, 3072, 4096].contains(bits) else {
      throw FlockerPKIError.invalidArgument("Unsupported RSA key size \(bits) (use 2048-4096).")
    }
    guard let key = fsh_pki_rsa_generate(Int32(bits)) else {
      throw OpenSSLError("cannot generate an RSA key")
    }
    return key
  }

  /// PKCS#1 PEM (`BEGIN RSA PRIVATE KEY`), what flocker-ca writes.
  static func privateKeyPEM(_ key: OpaquePointer) throws -> String {
    guard let bio = BIO_new(BIO_s_mem()) else { throw OpenSSLError("cannot make a memory BIO") }
    defer { BIO_free(bio) }
    guard PEM_write_bio_PrivateKey_traditional(bio, key, nil, nil, 0, nil, nil) == 1 else {
      throw OpenSSLError("cannot write the private key")
    }
    return contents(of: bio)
  }

  /// Makes and signs a certificate: `issuer` nil means self-issued (the subject), `extensions`
  /// adds the extensions to the unsigned certificate.
  static func sign(
    version: CertificateVersion, subjectKey: OpaquePointer, issuer: OpaquePointer?,
    subject: [(Int32, String)], issuerKey: OpaquePointer, validity: DateInterval?,
    extensions: (OpaquePointer) -> Bool
  ) throws -> (der: [UInt8], facts: ParsedCertificate) {
    guard let x509 = X509_new() else { throw OpenSSLError("cannot make a certificate") }
    defer { X509_free(x509) }
    // A random positive 128-bit serial (flocker-ca: os.urandom(16)); OpenSSL adds the leading
    // zero byte DER needs when the top bit is set.
    var serial = [UInt8](repeating: 0, count: 16)
    var rng = SystemRandomNumberGenerator()
    for index in serial.indices { serial[index] = rng.next() }
    if serial.allSatisfy({ $0 == 0 }) { serial[15] = 1 }
    // Whole seconds, rounded down like OpenSSL's X509_gmtime_adj. An explicit period is rounded
    // to the nearest second, as FshPKI always wrote it.
    let now = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
    let period = validity ?? DateInterval(start: now, duration: 7300 * 86400)
    guard let notBefore = time_t(exactly: period.start.timeIntervalSince1970.rounded()),
      let notAfter = time_t(exactly: period.end.timeIntervalSince1970.rounded())
    else { throw FlockerPKIError.invalidArgument("The validity period is out of range.") }
    guard let name = X509_NAME_new() else { throw OpenSSLError("cannot make a name") }
    defer { X509_NAME_free(name) }
    for (nid, value) in subject {
      let bytes = Array(value.utf8)
      guard
        X509_NAME_add_entry_by_NID(name, nid, MBSTRING_UTF8, bytes, Int32(bytes.count), -1, 0) == 1
      else { throw FlockerPKIError.invalidArgument("'\(value)' cannot be put in a name.") }
    }
    let serialNumber = BN_bin2bn(serial, Int32(serial.count), nil)
    defer { BN_free(serialNumber) }
    guard version == .v1 || X509_set_version(x509, 2) == 1,
      let serialNumber, BN_to_ASN1_INTEGER(serialNumber, X509_get_serialNumber(x509)) != nil,
      ASN1_TIME_set(X509_getm_notBefore(x509), notBefore) != nil,
      ASN1_TIME_set(X509_getm_notAfter(x509), notAfter) != nil,
      X509_set_subject_name(x509, name) == 1,
      X509_set_issuer_name(x509, issuer ?? name) == 1,
      X509_set_pubkey(x509, subjectKey) == 1,
      extensions(x509),
      X509_sign(x509, issuerKey, EVP_sha256()) > 0,
      let der = encodeDER({ i2d_X509(x509, $0) })
    else { throw OpenSSLError("cannot make the certificate") }
    return (der, try ParsedCertificate(der: der))
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
}

// One certificate read with OpenSSL into plain values: what CertificateSummary, CertificateInfo
// and the peer validator report. Names, extension names and descriptions are written as FshPKI
// has always shown them (RFC 4514 order, `CN=…,OU=…`; `clientAuth`; `sha256WithRSAEncryption`).

import COpenSSL
import Foundation

/// The facts of one parsed certificate.
struct ParsedCertificate: Sendable {
  struct Name: Sendable, Equatable {
    /// The DER encoding, as found in the certificate (names are compared by it).
    var der: [UInt8]
    /// RFC 4514 style: the last RDN first, `+` between the attributes of one RDN.
    var description: String
    /// The last commonName and organizationalUnitName values, if any.
    var commonName: String?
    var organizationalUnit: String?
  }

  var subject: Name
  var issuer: Name
  /// The version field: 0 (v1), 1 (v2) or 2 (v3).
  var versionField: Int
  var extensionCount: Int
  /// The serial number's content octets (leading zeros dropped, one 0x00 kept or added when
  /// the high bit is set), lower-case hex.
  var serialNumberHex: String
  var notValidBefore: Date
  var notValidAfter: Date
  var basicConstraints: ExtensionRead<Bool>
  var keyUsage: ExtensionRead<[String]>
  var extendedKeyUsage: ExtensionRead<[String]>
  var subjectAlternativeNames: ExtensionRead<[HostName]>
  var publicKeyDescription: String
  /// The SubjectPublicKeyInfo DER.
  var publicKey: [UInt8]
  var signatureAlgorithm: String

  /// Parses DER; throws a reason when OpenSSL cannot read it or FshPKI does not accept it.
  init(der: [UInt8]) throws {
    guard
      let parsed = try withX509(der, { try ParsedCertificate(x509: $0) })
    else { throw OpenSSLError("not a DER X.509 certificate") }
    self = parsed
  }

  init(x509: OpaquePointer) throws {
    let version = X509_get_version(x509)
    guard (0...2).contains(version) else { throw OpenSSLError("invalid X.509 version \(version)") }
    versionField = Int(version)
    let count = Int(X509_get_ext_count(x509))
    guard count <= 32 else { throw OpenSSLError("more than 32 extensions") }
    var oids: Set<String> = []
    for index in 0..<count {
      guard let ext = X509_get_ext(x509, Int32(index)),
        let object = X509_EXTENSION_get_object(ext)
      else { throw OpenSSLError("unreadable extension") }
      guard oids.insert(dottedOID(object)).inserted else {
        throw OpenSSLError("extension \(dottedOID(object)) appears twice")
      }
    }
    extensionCount = count
    guard let key = X509_get0_pubkey(x509),
      let description = keyDescription(key, minimumRSABits: 2048),
      let spki = publicKeyDER(key)
    else {
      ERR_clear_error()
      throw OpenSSLError("unsupported public key")
    }
    publicKeyDescription = description
    publicKey = spki
    guard let subject = X509_get_subject_name(x509).flatMap(Self.name),
      let issuer = X509_get_issuer_name(x509).flatMap(Self.name)
    else { throw OpenSSLError("unreadable name") }
    self.subject = subject
    self.issuer = issuer
    guard let serial = X509_get0_serialNumber(x509),
      let serialDER = encodeDER({ i2d_ASN1_INTEGER(serial, $0) })
    else { throw OpenSSLError("unreadable serial number") }
    serialNumberHex = FlockerCA.hex(Self.integerForm(Self.content(ofDER: serialDER)))
    guard let notBefore = X509_get0_notBefore(x509).flatMap(Self.date),
      let notAfter = X509_get0_notAfter(x509).flatMap(Self.date)
    else { throw OpenSSLError("unreadable validity") }
    notValidBefore = notBefore
    notValidAfter = notAfter
    basicConstraints = readExtension(x509, NID_basic_constraints) { raw in
      let constraints = raw.assumingMemoryBound(to: BASIC_CONSTRAINTS.self)
      defer { BASIC_CONSTRAINTS_free(constraints) }
      return constraints.pointee.ca != 0
    }
    keyUsage = readExtension(x509, NID_key_usage) { raw in
      let bits = raw.assumingMemoryBound(to: ASN1_BIT_STRING.self)
      defer { ASN1_BIT_STRING_free(bits) }
      return Self.keyUsageNames.enumerated().compactMap { bit, name in
        ASN1_BIT_STRING_get_bit(bits, Int32(bit)) != 0 ? name : nil
      }
    }
    extendedKeyUsage = readExtension(x509, NID_ext_key_usage) { raw in
      let usage = OpaquePointer(raw)
      defer { EXTENDED_KEY_USAGE_free(usage) }
      return (0..<fsh_pki_eku_count(usage)).map { index in
        fsh_pki_eku_value(usage, index).map(Self.usageName) ?? ""
      }
    }
    subjectAlternativeNames = readExtension(x509, NID_subject_alt_name) { raw in
      let names = OpaquePointer(raw)
      defer { GENERAL_NAMES_free(names) }
      var out: [HostName] = []
      for index in 0..<fsh_pki_general_names_count(names) {
        guard let name = fsh_pki_general_names_value(names, index).flatMap(Self.hostName) else {
          return nil
        }
        out.append(name)
      }
      return out
    }
    signatureAlgorithm = Self.signatureName(X509_get_signature_nid(x509))
  }

  /// The key usage bits in order, named as OpenSSL's configuration names them.
  static let keyUsageNames = [
    "digitalSignature", "nonRepudiation", "keyEncipherment", "dataEncipherment", "keyAgreement",
    "keyCertSign", "cRLSign", "encipherOnly", "decipherOnly",
  ]

  private static func usageName(_ object: OpaquePointer) -> String {
    switch OBJ_obj2nid(object) {
    case NID_anyExtendedKeyUsage: return "anyKeyUsage"
    case NID_server_auth: return "serverAuth"
    case NID_client_auth: return "clientAuth"
    case NID_code_sign: return "codeSigning"
    case NID_email_protect: return "emailProtection"
    case NID_time_stamp: return "timeStamping"
    case NID_OCSP_sign: return "ocspSigning"
    default:
      let oid = dottedOID(object)
      return oid == "1.3.6.1.4.1.11129.2.4.4" ? "certificateTransparency" : oid
    }
  }

  private static func signatureName(_ nid: Int32) -> String {
    switch nid {
    case NID_ecdsa_with_SHA256: return "ecdsaWithSHA256"
    case NID_ecdsa_with_SHA384: return "ecdsaWithSHA384"
    case NID_ecdsa_with_SHA512: return "ecdsaWithSHA512"
    case NID_sha1WithRSAEncryption: return "sha1WithRSAEncryption"
    case NID_sha256WithRSAEncryption: return "sha256WithRSAEncryption"
    case NID_sha384WithRSAEncryption: return "sha384WithRSAEncryption"
    case NID_sha512WithRSAEncryption: return "sha512WithRSAEncryption"
    case NID_ED25519: return "ed25519"
    default:
      guard nid != NID_undef, let name = OBJ_nid2ln(nid) else { return "unknown" }
      return String(cString: name)
    }
  }

  private static func hostName(_ name: UnsafeMutablePointer<GENERAL_NAME>) -> HostName? {
    var type: Int32 = 0
    guard let value = GENERAL_NAME_get0_value(name, &type) else { return nil }
    func text() -> String {
      String(decoding: bytes(of: value.assumingMemoryBound(to: ASN1_STRING.self)), as: UTF8.self)
    }
    switch type {
    case GEN_DNS: return .dns(text())
    case GEN_IPADD: return .ip(bytes(of: value.assumingMemoryBound(to: ASN1_STRING.self)))
    case GEN_EMAIL: return .other("email:\(text())")
    case GEN_URI: return .other("URI:\(text())")
    case GEN_DIRNAME:
      let directory = Self.name(OpaquePointer(value))?.description ?? ""
      return .other("DirectoryName(\(String(reflecting: directory)))")
    case GEN_RID: return .other("RegisteredID(\(dottedOID(OpaquePointer(value))))")
    case GEN_OTHERNAME: return .other("OtherName")
    case GEN_X400: return .other("X400Address")
    case GEN_EDIPARTY: return .other("EDIPartyName")
    default: return nil
    }
  }

  private static func date(_ time: UnsafePointer<ASN1_TIME>) -> Date? {
    var parts = tm()
    guard ASN1_TIME_to_tm(time, &parts) == 1 else {
      ERR_clear_error()
      return nil
    }
    return Date(timeIntervalSince1970: TimeInterval(timegm(&parts)))
  }

  /// The contents of one DER TLV (the header skipped).
  static func content(ofDER der: [UInt8]) -> ArraySlice<UInt8> {
    guard der.count >= 2 else { return [] }
    let first = Int(der[1])
    let header = first < 0x80 ? 2 : 2 + (first & 0x7f)
    return header <= der.count ? der[header...] : []
  }

  /// An unsigned big-endian integer in DER INTEGER form: leading zeros dropped, one 0x00 kept or
  /// added when the high bit is set (how FshPKI has always shown serial numbers).
  static func integerForm(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
    let trimmed = bytes.drop { $0 == 0 }
    guard let first = trimmed.first else { return [0] }
    return first & 0x80 != 0 ? [0] + trimmed : Array(trimmed)
  }

  // MARK: Names

  private static func name(_ name: OpaquePointer) -> Name? {
    guard let der = encodeDER({ i2d_X509_NAME(name, $0) }) else { return nil }
    var rdns: [[String]] = []
    var lastSet: Int32 = -1
    var commonName: String?
    var unit: String?
    for index in 0..<X509_NAME_entry_count(name) {
      guard let entry = X509_NAME_get_entry(name, index),
        let object = X509_NAME_ENTRY_get_object(entry),
        let data = X509_NAME_ENTRY_get_data(entry)
      else { return nil }
      let value = attributeValue(data)
      let nid = OBJ_obj2nid(object)
      if nid == NID_commonName { commonName = value.text ?? value.escaped }
      if nid == NID_organizationalUnitName { unit = value.text ?? value.escaped }
      let attribute = "\(attributeKey(nid) ?? dottedOID(object))=\(value.escaped)"
      let set = X509_NAME_ENTRY_set(entry)
      if set == lastSet, !rdns.isEmpty {
        rdns[rdns.count - 1].append(attribute)
      } else {
        rdns.append([attribute])
      }
      lastSet = set
    }
    return Name(
      der: der,
      description: rdns.reversed().map { $0.joined(separator: "+") }.joined(separator: ","),
      commonName: commonName, organizationalUnit: unit)
  }

  private static func attributeKey(_ nid: Int32) -> String? {
    switch nid {
    case NID_commonName: return "CN"
    case NID_countryName: return "C"
    case NID_localityName: return "L"
    case NID_stateOrProvinceName: return "ST"
    case NID_organizationName: return "O"
    case NID_organizationalUnitName: return "OU"
    case NID_streetAddress: return "STREET"
    case NID_domainComponent: return "DC"
    case NID_pkcs9_emailAddress: return "E"
    default: return nil
    }
  }

  /// An attribute value: its text when it is a UTF8String, a valid PrintableString or a valid
  /// IA5String, and always its escaped form for a name's description (other string types are
  /// shown as `ASN1Any([tag, length…, bytes…])`).
  private static func attributeValue(_ string: UnsafeMutablePointer<ASN1_STRING>) -> (
    text: String?, escaped: String
  ) {
    let type = ASN1_STRING_type(string)
    let content = bytes(of: string)
    let text: String?
    switch type {
    case V_ASN1_UTF8STRING:
      text = String(decoding: content, as: UTF8.self)
    case V_ASN1_PRINTABLESTRING where content.allSatisfy(isPrintableStringByte):
      text = String(decoding: content, as: UTF8.self)
    case V_ASN1_IA5STRING where content.allSatisfy({ $0 < 0x80 }):
      text = String(decoding: content, as: UTF8.self)
    default:
      text = nil
    }
    let shown = text ?? "ASN1Any(\(tlv(tag: UInt8(truncatingIfNeeded: type), content)))"
    return (text, escape(shown))
  }

  private static func isPrintableStringByte(_ byte: UInt8) -> Bool {
    switch byte {
    case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
      UInt8(ascii: "0")...UInt8(ascii: "9"):
      return true
    default:
      return Array(" '()+,-./:=?".utf8).contains(byte)
    }
  }

  private static func tlv(tag: UInt8, _ content: [UInt8]) -> [UInt8] {
    var length: [UInt8] = []
    if content.count < 0x80 {
      length = [UInt8(content.count)]
    } else {
      var n = content.count
      while n > 0 {
        length.insert(UInt8(n & 0xff), at: 0)
        n >>= 8
      }
      length.insert(0x80 | UInt8(length.count), at: 0)
    }
    return [tag] + length + content
  }

  /// RFC 4514 escaping: `,+"\<>;` anywhere, leading spaces and `#`, trailing spaces.
  private static func escape(_ text: String) -> String {
    let bytes = Array(text.utf8)
    let special = Array(",+\"\\<>;".utf8)
    let leading = bytes.prefix { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "#") }.count
    var trailing = 0
    while trailing < bytes.count - leading, bytes[bytes.count - 1 - trailing] == UInt8(ascii: " ") {
      trailing += 1
    }
    var out: [UInt8] = []
    for (index, byte) in bytes.enumerated() {
      if index < leading || index >= bytes.count - trailing || special.contains(byte) {
        out.append(UInt8(ascii: "\\"))
      }
      out.append(byte)
    }
    return String(decoding: out, as: UTF8.self)
  }
}

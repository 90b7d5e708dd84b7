import Foundation

/// The few facts about a certificate that Flocker cares about, read with OpenSSL.
public struct CertificateSummary: Sendable, Equatable {
  /// The subject's commonName (the last one if there are several), if any.
  public let commonName: String?
  /// The subject's organizationalUnitName (the cluster UUID), if any.
  public let organizationalUnit: String?
  /// The X.509 version field.
  public let version: CertificateVersion
  /// Whether the certificate is a CA (basicConstraints CA:TRUE).
  public let isCertificateAuthority: Bool
  /// The issuer's commonName, if any.
  public let issuerCommonName: String?
  /// The validity period.
  public let notValidBefore: Date
  public let notValidAfter: Date

  /// Parses a DER certificate.
  public init(derBytes: [UInt8]) throws {
    self.init(try ParsedCertificate(der: derBytes))
  }

  /// Parses PEM text holding exactly one block, a `CERTIFICATE`.
  public init(pem: String) throws {
    let block = try PEMBlock(single: pem)
    guard block.label == "CERTIFICATE" else {
      throw PEMError("PEM block is '\(block.label)', expected 'CERTIFICATE'")
    }
    try self.init(derBytes: block.der)
  }

  init(_ certificate: ParsedCertificate) {
    commonName = certificate.subject.commonName
    organizationalUnit = certificate.subject.organizationalUnit
    issuerCommonName = certificate.issuer.commonName
    notValidBefore = certificate.notValidBefore
    notValidAfter = certificate.notValidAfter
    version = certificate.versionField == 0 ? .v1 : .v3
    isCertificateAuthority = certificate.basicConstraints.value == true
  }
}

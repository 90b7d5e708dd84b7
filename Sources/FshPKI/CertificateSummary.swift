import Crypto
import Foundation
import FshFiles
import SwiftASN1
import X509
import _CryptoExtras

/// The few facts about a certificate that Flocker cares about, read with swift-certificates.
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
    self.init(try Certificate(derEncoded: derBytes))
  }

  /// Parses the first certificate in PEM text.
  public init(pem: String) throws {
    self.init(try Certificate(pemEncoded: pem))
  }

  init(_ certificate: Certificate) {
    var commonName: String?
    var unit: String?
    for rdn in certificate.subject {
      for attribute in rdn {
        if attribute.type == .RDNAttributeType.commonName {
          commonName = Self.string(attribute.value)
        } else if attribute.type == .RDNAttributeType.organizationalUnitName {
          unit = Self.string(attribute.value)
        }
      }
    }
    self.commonName = commonName
    self.organizationalUnit = unit
    var issuerName: String?
    for rdn in certificate.issuer {
      for attribute in rdn where attribute.type == .RDNAttributeType.commonName {
        issuerName = Self.string(attribute.value)
      }
    }
    self.issuerCommonName = issuerName
    self.notValidBefore = certificate.notValidBefore
    self.notValidAfter = certificate.notValidAfter
    self.version = certificate.version == .v1 ? .v1 : .v3
    let constraints = try? certificate.extensions.basicConstraints
    if case .isCertificateAuthority = constraints {
      self.isCertificateAuthority = true
    } else {
      self.isCertificateAuthority = false
    }
  }

  private static func string(_ value: RelativeDistinguishedName.Attribute.Value) -> String {
    String(value) ?? String(describing: value)
  }
}

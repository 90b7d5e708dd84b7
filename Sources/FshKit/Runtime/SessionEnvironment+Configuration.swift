// What configuration resolution reads, from the environment a session runs in: its variables,
// working directory and flags, the profiles file and the files the configuration names.
import Foundation
import FshFiles
import FshPKI
import FshRuntime

extension SessionEnvironment {
  /// The inputs of `Configuration.resolve`, read from this environment now.
  func configurationInputs(
    sets: [ConfigKey: String], selectedCluster: (String, ConfigSource)?,
    certificateCommonName: @escaping (String) -> String?
  ) -> ConfigurationInputs {
    var inputs = ConfigurationInputs()
    inputs.environment = variables
    inputs.workingDirectory = workingDirectory
    inputs.profilesPath = profilesPath
    inputs.profilesText = TextFile.read(profilesPath)
    inputs.selectedCluster = selectedCluster
    inputs.flags = flags
    inputs.sets = sets
    inputs.readFile = { TextFile.read($0) }
    inputs.listDirectory = { try? FileManager.default.contentsOfDirectory(atPath: $0) }
    inputs.certificateCommonName = { certificateCommonName($0) }
    return inputs
  }

  /// Reads the subject CN of a certificate file (for user discovery); nil when unreadable.
  public static func certificateCommonName(_ path: String) -> String? {
    guard let data = FileManager.default.contents(atPath: path) else { return nil }
    return (try? CertificateSummary(pem: String(decoding: data, as: UTF8.self)))?.commonName
  }
}

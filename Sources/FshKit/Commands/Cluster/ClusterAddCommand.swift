import Foundation
import FshLanguage
import FshRuntime

struct ClusterAddCommand: DeclaredCommand {
  @Arg(.positional("NAME", "the profile's name (letters, digits, - _ .)"))
  var name: CommandArgument
  @Arg(group: ConfigCommands.profileKeywords) var settings: [String: CommandArgument]
  @Arg(["--default"], "use this profile when no other is selected") var makeDefault: Bool
  @Arg(["--replace"], "start the profile over: drop the settings not given") var replace: Bool
  static let help = CommandHelp(
    ["cluster", "add"], summary: "add a cluster profile, or change settings of one",
    parameters: declared,
    discussion: """
      On an existing profile, only the settings given change; --replace starts it over. \
      A profile needs a host. A host written as HOST:PORT sets the port too. A certs \
      directory or file that does not exist is warned about at once. Paths are stored \
      absolute. The file is written atomically under a lock.
      """,
    examples: [
      "cluster add prod host control.example.com certs /etc/flocker user alice --default",
      "cluster add prod host 10.0.0.7",
    ])
  var profile = Profile()

  mutating func validate(_ arguments: Arguments) throws {
    var hostPort: Int?
    for key in ConfigKey.allCases {
      guard let a = settings[key.rawValue] else { continue }
      if key == .port {
        guard let port = Int(a.text), HostAndPort.validPorts.contains(port) else {
          throw Diagnostic.usage(
            "invalid port '\(a.text)': expected a whole number from 1 to 65535", range: a.range)
        }
        profile.port = port
      } else if key == .host, let split = HostAndPort(a.text) {
        guard HostAndPort.validPorts.contains(split.port) else {
          throw Diagnostic.usage(
            "invalid port \(split.port) in '\(a.text)': expected a whole number from 1 to 65535",
            notes: ["the REST API's port is 4523: --host \(split.host):4523"], range: a.range)
        }
        profile.host = split.host
        hostPort = split.port
      } else {
        profile[key] = a.text
      }
    }
    // A port given with --port wins over one written in the host.
    if profile.port == nil { profile.port = hostPort }
    guard !name.text.isEmpty,
      name.text.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) })
    else {
      throw Diagnostic.usage(
        "invalid profile name '\(name.text)'", notes: ["use letters, digits, '-', '_' and '.'"],
        range: name.range)
    }
  }
  func run(in context: CommandContext) throws -> CommandResult {
    let env = context.session.environment
    var given = profile
    for key in ConfigKey.allCases where key.isPath {
      if let v = given[key] {
        given[key] = Paths.absolute(
          v, relativeTo: env.workingDirectory, home: env.variables["HOME"])
      }
    }
    var replaced = false
    var changed: [String] = []
    var result = Profile()
    try ProfileStore(path: env.profilesPath).update { file in
      let old = file.clusters[name.text]
      replaced = old != nil
      var p = replace ? Profile() : (old ?? Profile())
      for key in ConfigKey.allCases {
        if let v = given[key] {
          p[key] = v
          changed.append(key.rawValue)
        }
      }
      guard p.host != nil else {
        throw Diagnostic.usage(
          "cluster profile '\(name.text)' needs a host",
          notes: ["add one: cluster add \(name.text) host HOST [certs DIR] [user USER]"],
          range: name.range)
      }
      file.clusters[name.text] = p
      result = p
      if makeDefault { file.defaultCluster = name.text }
    }
    warnMissingFiles(result, context: context)
    context.session.reconfigure()
    let what: String
    if !replaced {
      what = "added"
    } else if replace {
      what = "replaced"
    } else {
      what = "updated (\(changed.isEmpty ? "nothing" : changed.joined(separator: ", ")))"
    }
    return context.inform("\(what) cluster '\(name.text)' in \(env.profilesPath)")
  }

  /// A certs directory or file that does not exist now will not exist at connect time either.
  func warnMissingFiles(_ p: Profile, context: CommandContext) {
    var isDir: ObjCBool = false
    if let dir = p.certs {
      if !FileManager.default.fileExists(atPath: dir, isDirectory: &isDir) || !isDir.boolValue {
        context.warn(
          "certs directory '\(dir)' does not exist",
          notes: ["create it, or fix the profile: cluster add \(name.text) certs DIR"])
      } else if p.ca == nil,
        !FileManager.default.fileExists(atPath: Paths.join(dir, "cluster.crt"))
      {
        context.warn(
          "'\(Paths.join(dir, "cluster.crt"))' does not exist",
          notes: ["the profile's CA is <certs>/cluster.crt unless 'ca FILE' is given"])
      }
    }
    for key in ConfigKey.allCases where key.setting.path == .file {
      if let f = p[key], !FileManager.default.fileExists(atPath: f) {
        context.warn(
          "\(key.rawValue) file '\(f)' does not exist",
          notes: ["fix the profile: cluster add \(name.text) \(key.rawValue) FILE"])
      }
    }
  }
}

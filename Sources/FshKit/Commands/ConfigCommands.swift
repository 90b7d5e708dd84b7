import Foundation
import FshLanguage
import FshRuntime

/// Commands about the session's configuration and cluster profiles.
enum ConfigCommands {}

extension ConfigCommands {

  /// `host HOST`, `port PORT`, …: a profile's settings as keywords, from the settings table.
  static let profileKeywords: [Parameter] = ConfigKey.allCases.map { key in
    .keyword(
      key.rawValue, key.setting.valueName, key.summary, completion: key.isPath ? .file : .none)
  }

}

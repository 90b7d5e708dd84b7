import Foundation
import FshClient
import FshLanguage
import FshModel
import FshRuntime

/// Commands that show the control service as it is: version, the raw API, curl.
enum ClusterBasics {}

extension ClusterBasics {

}

extension Value {
  var isRecordOrList: Bool {
    switch self {
    case .record, .list: return true
    default: return false
    }
  }
}

/// fsh's own version.
package enum FshVersion {
  package static let current = "0.1.0"
}

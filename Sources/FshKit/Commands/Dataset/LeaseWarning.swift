import Foundation
import FshClient
import FshLanguage
import FshModel
import FshRuntime

extension Datasets {
  /// After a move or destroy: when a lease keeps the mounted volume where it is, says so at
  /// once; a lease that does not (the volume is not mounted on the holder) is only noted.
  static func warnIfLeased(
    _ v: DatasetView, leases: [Lease], view: ClusterView, ref: String, context: CommandContext
  ) {
    guard let lease = v.lease(in: leases) else { return }
    let holder = Whereabouts.label(uuid: lease.nodeUUID, in: view)
    if v.isBlocked(by: lease) {
      let (_, fix) = Whereabouts.words(
        .lease(node: Node(uuid: lease.nodeUUID, host: ""), expires: lease.expires), ref: ref)
      let until = lease.expires == nil ? "released" : "released or expires"
      context.warn(
        "'\(ref)' is leased by node \(holder), where it is mounted: its agent keeps it mounted "
          + "there until the lease is \(until)", notes: [fix])
    } else if !v.configuration.deleted && v.configuration.primary == lease.nodeUUID {
      return
    } else {
      context.note(
        "'\(ref)' is leased by node \(holder), but the lease does not hold it: the volume is not "
          + "mounted there, and a lease keeps only a mounted volume mounted")
    }
  }
}

import Foundation
import FshClient
import FshModel
import FshTestSupport
import Testing

/// The status model and `wait … deleted` against exactly scripted answers: what a churning or
/// stuck cluster can say, one read at a time.
@Suite struct StatusRuleTests: ScriptedDataset {
  @Test func everyStatus() {
    #expect(view(primary: Self.a, state: []).status == .pending)
    #expect(view(primary: Self.a, state: [mounted(on: Self.a)]).status == .attached)
    #expect(view(primary: Self.b, state: [mounted(on: Self.a)]).status == .moving)
    #expect(view(primary: Self.a, state: [bare]).status == .detached)
    #expect(view(primary: Self.ghost, state: []).status == .unknown)
    #expect(view(primary: Self.a, deleted: true, state: [mounted(on: Self.a)]).status == .deleting)
    #expect(view(primary: Self.ghost, deleted: true, state: []).status == .deleting)
    #expect(view(primary: Self.a, deleted: true, state: []).status == .deleted)
  }

  @Test func aDuplicateIsReadFromItsMountedEntry() {
    // The stale, unmounted copy is listed last (as Flocker lists non-manifest datasets).
    #expect(view(primary: Self.a, state: [mounted(on: Self.a), bare]).status == .attached)
    #expect(view(primary: Self.a, state: [bare, mounted(on: Self.a)]).status == .attached)
  }

  @Test func blockersAreData() {
    let leased = [Lease(datasetID: Self.id, nodeUUID: Self.a, expires: nil)]
    let moving = view(primary: Self.b, state: [mounted(on: Self.a)])
    #expect(
      moving.blockers(leases: leased, nodes: Self.nodes) == [
        .lease(node: Self.nodes[0], expires: nil)
      ])
    // A lease on the node where the dataset should be blocks nothing.
    #expect(
      view(primary: Self.a, state: [mounted(on: Self.a)]).blockers(
        leases: leased, nodes: Self.nodes
      ).isEmpty)
    #expect(
      view(primary: Self.ghost, state: []).blockers(leases: [], nodes: Self.nodes)
        == [.nodeNotReporting(uuid: Self.ghost)])
    let deleting = view(primary: Self.a, deleted: true, state: [mounted(on: Self.a)])
    #expect(
      deleting.blockers(leases: leased, nodes: Self.nodes) == [
        .lease(node: Self.nodes[0], expires: nil)
      ])
    #expect(
      deleting.blockers(leases: [], nodes: Self.nodes) == [
        .deletedStillReported(node: Self.nodes[0])
      ])
  }

  /// Upstream's agent keeps a leased volume mounted only where it has mounted it ("a lease
  /// doesn't force a mount"): a volume that is only attached, or not attached, is detached and
  /// destroyed, lease or not.
  @Test func aLeaseBlocksOnlyAVolumeMountedOnItsHolder() {
    let leased = [Lease(datasetID: Self.id, nodeUUID: Self.a, expires: nil)]
    let deletedUnmounted = view(primary: Self.a, deleted: true, state: [bare])
    #expect(!deletedUnmounted.isBlocked(by: leased[0]))
    #expect(
      deletedUnmounted.blockers(leases: leased, nodes: Self.nodes) == [
        .deletedStillReported(node: nil)
      ])
    let movingUnmounted = view(primary: Self.b, state: [bare])
    #expect(movingUnmounted.blockers(leases: leased, nodes: Self.nodes).isEmpty)
    // Held by another node than the one it is mounted on: not blocking either.
    let leasedElsewhere = [Lease(datasetID: Self.id, nodeUUID: Self.b, expires: nil)]
    let deletedMountedOnA = view(primary: Self.a, deleted: true, state: [mounted(on: Self.a)])
    #expect(!deletedMountedOnA.isBlocked(by: leasedElsewhere[0]))
    #expect(deletedMountedOnA.isBlocked(by: leased[0]))
    // Unlisted: the lease blocks nothing the API shows.
    let deletedUnlisted = view(primary: Self.a, deleted: true, state: [])
    #expect(deletedUnlisted.blockers(leases: leased, nodes: Self.nodes).isEmpty)
  }

  /// A move whose source stopped reporting: the state lists the volume nowhere, and only what
  /// this process saw says where it was.
  @Test func aSilentSourceIsNamedFromWhatWasSeen() {
    let moving = view(primary: Self.b, state: [])
    #expect(moving.status == .pending)
    #expect(
      moving.blockers(leases: [], nodes: [Self.nodes[1]], lastMountedOn: Self.a) == [
        .sourceNotReporting(node: Node(uuid: Self.a, host: ""))
      ])
    // The source still reports (the state only dropped the entry): no blocker.
    #expect(moving.blockers(leases: [], nodes: Self.nodes, lastMountedOn: Self.a).isEmpty)
    // Never reported while watched: its configured node's agent is named.
    let fresh = view(primary: Self.a, state: [])
    #expect(
      fresh.blockers(leases: [], nodes: Self.nodes, neverReported: true) == [
        .notReported(node: Self.nodes[0])
      ])
  }
}

import Foundation
import FshModel
import Testing

@testable import FshJSON

/// The Flocker model: the status rule over every case, and the API's field names both ways.
struct ModelTests {
  /// Every status the rule can give, from the facts it reads.
  @Test func theStatusRuleCoversEveryCase() {
    func rule(
      deleted: Bool = false, listed: Bool = true, reporting: Bool = true, mounted: Bool = true,
      here: Bool = true
    ) -> DatasetStatus {
      DatasetStatus.rule(
        deleted: deleted, listed: listed, configuredNodeReporting: reporting, mounted: mounted,
        onConfiguredNode: here)
    }
    #expect(rule() == .attached)
    #expect(rule(here: false) == .moving)
    #expect(rule(mounted: false) == .detached)
    #expect(rule(listed: false) == .pending)
    #expect(rule(listed: false, reporting: false) == .unknown)
    #expect(rule(deleted: true) == .deleting)
    #expect(rule(deleted: true, listed: false) == .deleted)
    // A deleted dataset whose node does not report cannot be said to be gone.
    #expect(rule(deleted: true, listed: false, reporting: false) == .deleting)
    var seen = Set<DatasetStatus>()
    for d in [false, true] {
      for l in [false, true] {
        for r in [false, true] {
          for m in [false, true] {
            for h in [false, true] {
              seen.insert(rule(deleted: d, listed: l, reporting: r, mounted: m, here: h))
            }
          }
        }
      }
    }
    #expect(seen == Set(DatasetStatus.allCases))
  }

  /// Where the node is asked only when the dataset is mounted (the fast listing's lookup).
  @Test func whereItIsMountedIsReadOnlyWhenItIsMounted() {
    var asked = 0
    func here() -> Bool {
      asked += 1
      return true
    }
    _ = DatasetStatus.rule(
      deleted: false, listed: true, configuredNodeReporting: true, mounted: false,
      onConfiguredNode: here())
    #expect(asked == 0)
    _ = DatasetStatus.rule(
      deleted: false, listed: true, configuredNodeReporting: true, mounted: true,
      onConfiguredNode: here())
    #expect(asked == 1)
  }

  @Test func leasesAndDatasetsUseTheAPIsFieldNames() throws {
    let lease = Lease(datasetID: "d", nodeUUID: "n", expires: nil)
    // `expires: null` is how the API says "never expires": it is written, not left out.
    #expect(
      String(decoding: lease.jsonText.bytes, as: UTF8.self)
        == #"{"dataset_id":"d","node_uuid":"n","expires":null}"#)
    #expect(try JSONParser.decode(Lease.self, from: lease.jsonText.bytes) == lease)
    let timed = Lease(datasetID: "d", nodeUUID: "n", expires: 12.5)
    #expect(try JSONParser.decode(Lease.self, from: timed.jsonText.bytes) == timed)
    let text =
      #"{"dataset_id": "x", "primary": "p", "deleted": false, "metadata": {"name": "a"}, "maximum_size": 1073741824}"#
    let c = try JSONParser.decode(DatasetConfiguration.self, from: Array(text.utf8))
    #expect(c.datasetID == "x" && c.primary == "p" && c.maximumSize == 1 << 30)
    #expect(c.name == "a")
  }
}

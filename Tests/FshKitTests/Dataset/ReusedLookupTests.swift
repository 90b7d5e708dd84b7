import Foundation
import FshKit
import FshLanguage
import FshRuntime
import FshSandbox
import Testing

/// `move` reuses the session's read of the cluster for a few seconds (`RecentRead`): never on
/// the wrong dataset, and a script's own changes are in what it reuses.
@Suite(.serialized) struct ReusedLookupTests {
  @Test func aNameDeletedAndCreatedAgainByAnotherProcessIsNeverMovedBlindly() throws {
    let sandbox = try TestSandbox.make()
    let host = TextHost()
    let mine = Session(environment: TestSandbox.environment(sandbox), host: host)
    let other = Session(environment: TestSandbox.environment(sandbox), host: TextHost())
    #expect(
      mine.run("let a = create twice 1G on 10.0.0.1; let m = move twice to 10.0.0.2", name: "a")
        .status == 0)
    let first = try #require(mine.variable("a")?["dataset_id"]?.text)
    // Another process destroys it and creates another dataset with the same name.
    #expect(
      other.run("let d = destroy twice --yes; let b = create twice 1G on 10.0.0.1", name: "b")
        .status == 0)
    let second = try #require(other.variable("b")?["dataset_id"]?.text)
    #expect(first != second)
    // Within the reuse window: the old id is refused as deleted (405), the lists are read again
    // and the new 'twice' is the one moved.
    let o = mine.run("let m = move twice to 10.0.0.3", name: "c")
    #expect(o.status == 0, "\(host.warnings)")
    #expect(mine.variable("m")?["dataset_id"]?.text == second)
    let check = Session(environment: TestSandbox.environment(sandbox), host: host)
    host.output = ""
    #expect(check.run("api GET /v1/configuration/datasets -o json", name: "e").status == 0)
    guard case .list(let all) = try JSON.decode(host.output) else {
      Issue.record("not a list: \(host.output)")
      return
    }
    let node3 = try #require(sandbox.nodes.first { $0.host == "10.0.0.3" }).uuid
    let node2 = try #require(sandbox.nodes.first { $0.host == "10.0.0.2" }).uuid
    let old = try #require(all.first { $0["dataset_id"]?.text == first })
    let new = try #require(all.first { $0["dataset_id"]?.text == second })
    #expect(old["deleted"] == .bool(true) && old["primary"]?.text == node2)
    #expect(new["primary"]?.text == node3)
  }

  @Test func aScriptsOwnChangesAreInWhatItReuses() throws {
    let sandbox = try TestSandbox.make()
    let host = TextHost()
    let s = Session(environment: TestSandbox.environment(sandbox), host: host)
    let o = s.run(
      """
      let a = create own-1 1G on 10.0.0.1
      let m = move own-1 to 10.0.0.2
      let n = move own-1 to 10.0.0.2
      let b = create own-2 1G on 10.0.0.1
      let p = move own-2 to 10.0.0.3
      """, name: "own")
    #expect(o.status == 0, "\(host.warnings)")
    // The second move saw the first in the reused read.
    #expect(
      host.warnings.contains { $0.message.hasPrefix("'own-1' is already configured on ") },
      "\(host.warnings.map(\.message))")
    // A dataset created after the read is found: create drops the reusable read.
    #expect(s.variable("p")?["host"]?.text == "10.0.0.3")
  }
}

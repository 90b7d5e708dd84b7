import Foundation
import Testing

@testable import FshKit
@testable import FshRuntime

struct CompletionTests {
  let dir: String

  init() throws {
    dir = NSTemporaryDirectory() + "fsh-completion-\(UUID().uuidString)"
    try FileManager.default.createDirectory(
      atPath: dir + "/scripts", withIntermediateDirectories: true)
    _ = FileManager.default.createFile(atPath: dir + "/setup.fsh", contents: Data())
    _ = FileManager.default.createFile(atPath: dir + "/scripts/a b.fsh", contents: Data())
  }

  func completion(
    datasets: [String] = ["my-volume", "1a2b3c4d"], nodes: [String] = ["265a0498", "10.0.0.1"]
  )
    -> Completion
  {
    let env = SessionEnvironment(
      variables: ["HOME": dir], workingDirectory: dir, configDirectory: dir + "/config",
      stateDirectory: dir + "/state")
    let session = Session(environment: env)
    session.names.update(datasets: datasets, nodes: nodes)
    return Completion(session: session)
  }

  func candidates(_ line: String) -> [String] { completion().result(for: line).candidates }

  @Test func commandWordsAndSubcommands() {
    #expect(candidates("mo") == ["move"])
    #expect(candidates("data") == ["dataset", "datasets"])
    #expect(candidates("cluster ") == ["add", "remove"])
    #expect(candidates("cluster a") == ["add"])
    #expect(candidates("").contains("let"))
  }

  @Test func datasetThenKeywordThenNode() {
    #expect(candidates("move my") == ["my-volume"])
    // `timeout` belongs to `--wait`.
    #expect(candidates("move my-volume ") == ["timeout", "to"])
    #expect(candidates("move my-volume to ") == ["10.0.0.1", "265a0498"])
    #expect(candidates("move my-volume to 26") == ["265a0498"])
    // Keywords only once the required arguments are there.
    #expect(!candidates("move ").contains("to"))
    #expect(candidates("create x 10G ").contains("on"))
    #expect(candidates("create x 10G on ") == ["10.0.0.1", "265a0498"])
  }

  @Test func nodePrefixesIgnoreCase() {
    #expect(candidates("datasets on 265A") == ["265a0498"])
  }

  @Test func optionsAndValues() {
    #expect(candidates("datasets --del") == ["--deleted"])
    #expect(candidates("datasets -o ") == ["csv", "json", "table"])
    #expect(candidates("datasets status p") == ["pending"])
    #expect(candidates("set out") == ["output"])
    #expect(candidates("set output j") == ["json"])
    // After a dataset: a status, or another dataset (`wait m1 m2 attached`); no keyword yet.
    let afterName = candidates("wait my-volume ")
    #expect(Set(["attached", "deleted", "detached", "converged"]).isSubset(of: afterName))
    #expect(afterName.contains("1a2b3c4d") && !afterName.contains("timeout"))
    #expect(candidates("wait my-volume attached ").contains("timeout"))
  }

  @Test func noiseWordsAndProfiles() throws {
    try FileManager.default.createDirectory(
      atPath: dir + "/config", withIntermediateDirectories: true)
    try "clusters:\n  prod:\n    host: 10.0.0.9\n".write(
      toFile: dir + "/config/clusters.yml", atomically: true, encoding: .utf8)
    #expect(candidates("use ") == ["cluster", "prod"])
    #expect(candidates("use cluster ") == ["prod"])
  }

  @Test func filePathsAfterSource() {
    #expect(candidates("source se") == ["setup.fsh"])
    #expect(candidates("source scr") == ["scripts/"])
    let r = completion().result(for: "source scripts/a")
    #expect(r.candidates == ["scripts/a b.fsh"])
    #expect(r.replacement("scripts/a b.fsh", final: true) == "'scripts/a b.fsh'")
    #expect(!r.isFinal("scripts/") || r.kind != .file)
  }

  @Test func quotedWordsAndStatements() {
    let r = completion(datasets: ["my volume"]).result(for: "echo hi; move 'my")
    #expect(r.candidates == ["my volume"])
    #expect(r.openQuote == "'")
    #expect(r.prefix == "my")
    #expect(r.replacement("my volume", final: true) == "'my volume'")
    #expect(candidates("let ds = cre") == ["create"])
    #expect(candidates("for d in (data") == ["dataset", "datasets"])
    #expect(candidates("echo # mo").isEmpty)
  }

  @Test func wordStartIsWhereTheWordBegins() {
    let line = "move my"
    let r = completion().result(for: line)
    #expect(line[r.wordStart...] == "my")
    let empty = completion().result(for: "move ")
    #expect(empty.wordStart == "move ".endIndex)
  }

  @Test func nameCacheDropsStaleBackgroundResults() {
    let cache = NameCache()
    let before = cache.updates
    cache.update(datasets: ["created-in-session"], nodes: [])
    #expect(!cache.update(datasets: ["stale"], nodes: [], ifUpdatesAre: before))
    #expect(cache.datasetWords == ["created-in-session"])
    #expect(cache.update(datasets: ["fresh"], nodes: [], ifUpdatesAre: cache.updates))
    #expect(cache.datasetWords == ["fresh"])
  }
}

import Foundation
import FshClient
import FshLanguage
import FshModel
import FshPKI
import FshRuntime

struct CertsNodeCommand: DeclaredCommand {
  @Arg(.caDir) var caDir: CommandArgument?
  @Arg(.outDir) var out: CommandArgument?
  @Arg(.keyBits) var keyBits: Certs.KeyBits = .bits4096
  static let help = CommandHelp(
    ["certs", "node"], summary: "issue a node (agent) certificate; one per node",
    parameters: declared,
    discussion: """
      Like `flocker-ca create-node-certificate`: CN=node-<new uuid>, OU=<cluster>, no \
      extensions. Writes <uuid>.crt and <uuid>.key, which go to ONE node as \
      /etc/flocker/node.crt and node.key: the UUID is the node's identity, so each node needs \
      its own.
      """,
    examples: ["certs node --ca-dir ~/flocker-ca --out ~/node-certs"])

  var options: Certs.GeneratorOptions {
    Certs.GeneratorOptions(keyBits: keyBits.bits, caDir: caDir, out: out)
  }

  func run(in context: CommandContext) throws -> CommandResult {
    // The file name is the new node's UUID, so there is nothing to check before issuing.
    let (credential, certificate, keyPath) = try options.issue(context, fileBase: nil) {
      ca, bits in try ca.issueNode(keyBits: bits)
    }
    let paths = (certificate: certificate, key: keyPath)
    let uuid = credential.nodeUUID ?? ""
    context.warn(
      "each node needs its own certificate: run `certs node` again for every other node",
      notes: [
        "the node's identity is the UUID in node.crt; a node.crt copied to several nodes makes "
          + "them collide in the node list and breaks the kubelet's node lookup"
      ])
    return Certs.result(
      credential, paths: paths, summary: "node \(uuid)",
      steps: [
        "install -d -m 0700 /etc/flocker",
        "install -m 0644 cluster.crt /etc/flocker/cluster.crt",
        "install -m 0600 \(uuid).crt /etc/flocker/node.crt",
        "install -m 0600 \(uuid).key /etc/flocker/node.key",
        "systemctl restart flocker-dataset-agent flocker-container-agent",
      ],
      stepsIntro:
        "copy \(uuid).crt, \(uuid).key and cluster.crt to ONE node, then run there:",
      after: ["then `certs check --node /etc/flocker` on that node checks the result"])
  }
}

import Foundation
import FshClient
import FshLanguage
import FshModel
import FshPKI
import FshRuntime

struct CertsInitCommand: DeclaredCommand {
  @Arg(.positional("NAME", "the cluster's name (the CA's CN)")) var name: CommandArgument
  @Arg(.option(["--dir"], "DIR", "where to write them (default: current)", completion: .file))
  var out: CommandArgument?
  @Arg(.keyBits) var keyBits: Certs.KeyBits = .bits4096
  static let help = CommandHelp(
    ["certs", "init"], summary: "create a cluster CA: cluster.crt and cluster.key",
    parameters: declared,
    discussion: """
      Like `flocker-ca initialize NAME`: subject CN=NAME, OU=<new cluster UUID>, self-signed, \
      basicConstraints CA:TRUE pathlen:0, keyUsage keyCertSign+cRLSign, 20 years, RSA 4096; \
      written as X.509 v3, files 0600, never overwriting.
      """,
    examples: ["certs init prod --dir ~/flocker-ca"])

  var options: Certs.GeneratorOptions { Certs.GeneratorOptions(keyBits: keyBits.bits, out: out) }

  func validate(_ arguments: Arguments) throws {
    guard !name.text.isEmpty else {
      throw Diagnostic.usage("the cluster name is empty", range: name.range)
    }
  }

  func run(in context: CommandContext) throws -> CommandResult {
    let dir = try options.outputDirectory(context)
    try Certs.refuseExisting(dir, "cluster", out: options.out)
    let ca: FlockerCA
    do {
      ca = try FlockerCA.initialize(name: name.text, keyBits: options.keyBits, version: .v3)
    } catch let e as FlockerPKIError {
      throw Diagnostic(sentence(e.description), range: name.range)
    }
    let paths = try Certs.write(ca.credential, dir: dir, out: options.out)
    context.warn(
      "keep cluster.key secret: anyone who can access it will be able to control your cluster",
      notes: ["it stays on this machine; only cluster.crt is copied to the nodes"])
    let caDir =
      dir == context.session.environment.workingDirectory
      ? "" : " --ca-dir \(shellQuote(dir))"
    return Certs.result(
      ca.credential, paths: paths,
      summary: "cluster '\(name.text)', id \(ca.clusterUUID), RSA \(options.keyBits)",
      steps: [
        "certs control HOST\(caDir)", "certs user NAME\(caDir)", "certs node\(caDir)",
      ],
      stepsIntro: "next: the control service's certificate (HOST is what clients dial), an API "
        + "user (e.g. for the kubelet), and one node certificate for EACH node:")
  }
}

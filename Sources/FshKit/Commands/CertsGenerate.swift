import Foundation
import FshClient
import FshLanguage
import FshModel
import FshPKI
import FshRuntime

// `certs init|control|node|user`: flocker-ca's four commands (reference/flocker-api.md
// §4.1–4.2), written as X.509 v3, with the steps that follow spelled out. Key material goes only
// into the 0600 files; it is never in a result, a message or a trace.

/// The certificate commands' shared parts: the generators' options, writing credentials.
enum Certs {}

extension Certs {
  /// RSA key sizes flocker-ca's tools accept.
  enum KeyBits: String, ChoiceValue {
    case bits2048 = "2048", bits3072 = "3072", bits4096 = "4096"
    var bits: Int { Int(rawValue) ?? 4096 }
  }

  /// The options every generator takes.
  struct GeneratorOptions {
    var keyBits = 4096
    var caDir: CommandArgument?
    var out: CommandArgument?

    func directory(_ a: CommandArgument?, _ context: CommandContext) -> String {
      let env = context.session.environment
      guard let a else { return env.workingDirectory }
      return Paths.absolute(a.text, relativeTo: env.workingDirectory, home: env.variables["HOME"])
    }

    /// Loads the CA, refuses to overwrite `<base>.crt/.key` (when the name is known before
    /// issuing), issues a credential with `make` and writes it 0600.
    func issue(
      _ context: CommandContext, fileBase: String?,
      _ make: (FlockerCA, Int) throws -> IssuedCredential
    ) throws -> (credential: IssuedCredential, certificate: String, key: String) {
      let ca = try loadCA(context)
      let dir = try outputDirectory(context)
      if let fileBase { try Certs.refuseExisting(dir, fileBase, out: out) }
      let credential = try make(ca, keyBits)
      let paths = try Certs.write(credential, dir: dir, out: out)
      return (credential, paths.certificate, paths.key)
    }

    /// The output directory, created 0700 when missing.
    func outputDirectory(_ context: CommandContext) throws -> String {
      let dir = directory(out, context)
      var isDir: ObjCBool = false
      if FileManager.default.fileExists(atPath: dir, isDirectory: &isDir) {
        guard isDir.boolValue else {
          throw Diagnostic("'\(dir)' is not a directory", code: .io, range: out?.range)
        }
        return dir
      }
      do {
        try FileManager.default.createDirectory(
          atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
      } catch {
        throw Diagnostic(
          "cannot create directory '\(dir)': \(error.localizedDescription)", code: .io)
      }
      return dir
    }

    /// Loads the cluster CA from `--ca-dir`; issued certificates are X.509 v3.
    func loadCA(_ context: CommandContext) throws -> FlockerCA {
      let dir = directory(caDir, context)
      let notes = [
        "create one with `certs init NAME --dir \(dir)`, or point --ca-dir at the directory "
          + "holding cluster.crt and cluster.key"
      ]
      var texts: [String] = []
      for name in ["cluster.crt", "cluster.key"] {
        let file = CheckedFile(Paths.join(dir, name))
        if let problem = file.problem {
          throw Diagnostic(
            "cannot load the cluster CA: " + CertificateChecks.describe(problem, file, name),
            code: .notFound, notes: notes, range: caDir?.range)
        }
        texts.append(file.text ?? "")
      }
      do {
        return try FlockerCA.load(certificatePEM: texts[0], keyPEM: texts[1], version: .v3)
      } catch let e as FlockerPKIError {
        throw Diagnostic(
          "cannot load the cluster CA from '\(dir)': \(sentence(e.description))",
          notes: ["cluster.key must be the RSA key written with cluster.crt"], range: caDir?.range)
      }
    }
  }

  /// Refuses before the (slow) key generation when a file is already there.
  static func refuseExisting(_ dir: String, _ base: String, out: CommandArgument?) throws {
    for ext in ["crt", "key"] {
      let path = Paths.join(dir, "\(base).\(ext)")
      if FileManager.default.fileExists(atPath: path) {
        throw existsDiagnostic(path, range: out?.range)
      }
    }
  }

  static func existsDiagnostic(_ path: String, range: SourceRange?) -> Diagnostic {
    Diagnostic(
      "'\(path)' already exists; certificates and keys are never overwritten", code: .io,
      notes: ["move it away first, or write elsewhere with --out DIR"], range: range)
  }

  /// Writes the pair with 0600 and O_EXCL; maps FshPKI's errors to diagnostics.
  static func write(_ credential: IssuedCredential, dir: String, out: CommandArgument?) throws
    -> (certificate: String, key: String)
  {
    do {
      return try writeCredentialFiles(credential, directory: dir)
    } catch FlockerPKIError.fileExists(let path) {
      throw existsDiagnostic(path, range: out?.range)
    } catch let e as FlockerPKIError {
      throw Diagnostic(sentence(e.description), code: .io)
    }
  }

  /// The result of a generator: a record (paths, names; never key material) and its text.
  static func result(
    _ credential: IssuedCredential, paths: (certificate: String, key: String), summary: String,
    steps: [String], stepsIntro: String, after: [String] = []
  ) -> CommandResult {
    var fields: [(String, Value)] = [
      ("kind", .string(credential.kind.rawValue)),
      ("common_name", .string(credential.commonName)),
      ("cluster_uuid", .string(credential.clusterUUID)),
      ("certificate", .string(paths.certificate)), ("key", .string(paths.key)),
      ("serial", .string(credential.serialNumberHex)),
    ]
    if let uuid = credential.nodeUUID { fields.insert(("node_uuid", .string(uuid)), at: 1) }
    fields.append(("next_steps", .list(steps.map(Value.string))))
    var text = "created \(paths.certificate) and \(paths.key) (\(summary))\n"
    text += stepsIntro + "\n"
    for s in steps { text += "  " + s + "\n" }
    for a in after { text += a + "\n" }
    return CommandResult(.record(Record(fields)), .rendered(text))
  }

  static func validated(_ a: CommandArgument, what: String) throws -> String {
    let t = a.text
    guard !t.isEmpty, !t.contains("/"), !t.hasPrefix("."), !t.hasPrefix("-"),
      !t.contains(where: { $0.isNewline || $0 == "\0" })
    else {
      throw Diagnostic.usage(
        "invalid \(what) '\(t)'",
        notes: ["it becomes part of a file name: no '/', no leading '.' or '-'"], range: a.range)
    }
    return t
  }

  // MARK: certs init

  // MARK: certs control

  // MARK: certs node

  // MARK: certs user

}

/// Host-name helpers shared with FshPKI's rules.
enum FshPKIHost {
  static func isIPAddress(_ s: String) -> Bool { FlockerCA.ipAddressBytes(s) != nil }
}

extension Param where Value == CommandArgument {
  /// `--ca-dir DIR`: where the cluster CA is.
  static var caDir: Param {
    .option(
      ["--ca-dir"], "DIR", "directory holding cluster.crt and cluster.key (default: current)",
      completion: .file)
  }
  /// `--out DIR`: where a generator writes.
  static var outDir: Param {
    .option(
      ["--out"], "DIR", "where to write the files (default: current directory)", completion: .file)
  }
}

extension Param where Value == Certs.KeyBits {
  /// `--key-bits N`.
  static var keyBits: Param {
    .option(
      ["--key-bits"], "N", "RSA key size: 2048, 3072 or 4096 (default 4096, like flocker-ca)",
      label: "key size")
  }
}

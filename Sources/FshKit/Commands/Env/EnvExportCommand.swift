import Foundation
import FshLanguage
import FshRuntime

struct EnvExportCommand: DeclaredCommand {
  @Arg(.option(["--for"], "CONSUMER", "kubernetes (default), kube-deploy or flockerctl"))
  var consumer = EnvExport.Consumer.kubernetes
  @Arg(
    .option(
      ["--format"], "FORMAT",
      "sh, fish, systemd, docker or json (default: what the consumer reads)"
    ))
  var format: EnvExport.Format?
  static let help = CommandHelp(
    ["env", "export"], summary: "print the variables a Flocker consumer needs",
    parameters: declared,
    discussion: """
      Paths are absolute, no value is ever empty, and no key material is printed. \
      kubernetes defaults to systemd EnvironmentFile syntax (save as /etc/flocker/env); \
      flockerctl and kube-deploy default to sh. A layout a consumer cannot read is refused with the reason. \
      `-o json` is the same as `--format json`; `-o json` with another --format, or `-o csv`, is \
      an error.
      """,
    examples: [
      "env export --for kubernetes --format systemd > /etc/flocker/env",
      "eval \"$(fsh -c 'env export --for flockerctl')\"",
    ])
  func run(in context: CommandContext) throws -> CommandResult {
    // `-o json` means `--format json`; `-o csv`, or `-o json` with another `--format`, is
    // refused rather than one silently winning.
    let output = context.options.output
    if output == .csv {
      throw Diagnostic.usage(
        "env export has no csv form",
        notes: ["use --format sh, fish, systemd, docker or json (and drop -o csv)"])
    }
    if output == .json, let format, format != .json {
      throw Diagnostic.usage(
        "'--format \(format.rawValue)' and output format 'json' disagree",
        notes: [
          "env export prints one format: drop -o json for \(format.rawValue), or use --format json"
        ])
    }
    let export = try EnvExport.variables(for: consumer, from: context.configuration)
    for w in export.warnings {
      context.warn(
        w, notes: ["export the address other machines reach it on: --host or `set host HOST`"])
    }
    var fmt = format ?? consumer.defaultFormat
    if format == nil, output == .json { fmt = .json }
    let text = EnvExport.render(export, format: fmt, consumer: consumer)
    let value = Value.record(Record(export.variables.map { ($0.0, Value.string($0.1)) }))
    // The rendered text is what is shown; the value stays structured for `let`.
    return CommandResult(value, .rendered(text))
  }
}

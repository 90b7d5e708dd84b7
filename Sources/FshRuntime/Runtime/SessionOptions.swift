/// How results are printed.

import FshLanguage

public enum OutputFormat: String, CaseIterable, Sendable {
  case table, json, csv
}

/// When to use colour.
public enum ColorMode: String, CaseIterable, Sendable {
  case auto, always, never
}

/// Session options changed with `set` and `unset`.
public struct SessionOptions: Sendable {
  /// `-o`: table (aligned, sized to the terminal), json or csv. Default table.
  public var output: OutputFormat = .table
  /// Colour on a terminal; `NO_COLOR` makes `auto` mean never. Default auto.
  public var color: ColorMode = .auto
  /// Seconds to wait for a connection to the control service. Default 5.
  public var connectTimeout: Double = 5
  /// Seconds a whole request may take. Default 30.
  public var requestTimeout: Double = 30
  /// Stop a script at the first failing command. Default on.
  public var stopOnError: Bool = true
  /// Trace each HTTP request and response to standard error. Default off.
  public var verbose: Bool = false
  /// At the interactive prompt, show a result taller than the screen through `$PAGER`
  /// (default `less -FRX`). Default on; never for scripts, `-c` or a pipe.
  public var pager: Bool = true

  public init() {}

  /// One settable option: its name, help and how to read and write it.
  package struct Descriptor: Sendable {
    public let name: String
    public let summary: String
    public let values: [String]
    package let get: @Sendable (SessionOptions) -> String
    package let set: @Sendable (inout SessionOptions, String) throws -> Void
  }

  package static func seconds(_ s: String, _ name: String) throws -> Double {
    guard let d = Durations.parse(s), d > 0 else {
      throw Diagnostic.usage(
        "invalid \(name) '\(s)'", notes: ["give a duration such as 10s, 2m or 1.5 (seconds)"])
    }
    return d
  }

  package static func onOff(_ s: String, _ name: String) throws -> Bool {
    switch s.lowercased() {
    case "on", "true", "yes", "1": return true
    case "off", "false", "no", "0": return false
    default: throw Diagnostic.usage("invalid value '\(s)' for '\(name)'", notes: ["use on or off"])
    }
  }

  /// Every option `set` knows, in `help set` order.
  package static let descriptors: [Descriptor] = [
    Descriptor(
      name: "output", summary: "result format: " + GlobalOptions.formats,
      values: OutputFormat.allCases.map(\.rawValue), get: { $0.output.rawValue },
      set: { o, v in
        guard let f = OutputFormat(rawValue: v) else {
          throw Diagnostic.usage(
            "invalid output format '\(v)'", notes: ["use " + GlobalOptions.formats])
        }
        o.output = f
      }),
    Descriptor(
      name: "color", summary: "colour: auto, always or never",
      values: ColorMode.allCases.map(\.rawValue),
      get: { $0.color.rawValue },
      set: { o, v in
        guard let c = ColorMode(rawValue: v) else {
          throw Diagnostic.usage("invalid colour mode '\(v)'", notes: ["use auto, always or never"])
        }
        o.color = c
      }),
    Descriptor(
      name: "connect-timeout", summary: "seconds to wait for a connection", values: [],
      get: { Value.format($0.connectTimeout) + "s" },
      set: { o, v in o.connectTimeout = try seconds(v, "connect-timeout") }),
    Descriptor(
      name: "timeout", summary: "seconds a request may take", values: [],
      get: { Value.format($0.requestTimeout) + "s" },
      set: { o, v in o.requestTimeout = try seconds(v, "timeout") }),
    Descriptor(
      name: "stop-on-error", summary: "stop a script at the first failing command: on or off",
      values: ["on", "off"], get: { $0.stopOnError ? "on" : "off" },
      set: { o, v in o.stopOnError = try onOff(v, "stop-on-error") }),
    Descriptor(
      name: "verbose", summary: "trace HTTP requests to standard error: on or off",
      values: ["on", "off"], get: { $0.verbose ? "on" : "off" },
      set: { o, v in o.verbose = try onOff(v, "verbose") }),
    Descriptor(
      name: "pager",
      summary:
        "at the interactive prompt, show output taller than the screen through $PAGER (default less -FRX): on or off",
      values: ["on", "off"], get: { $0.pager ? "on" : "off" },
      set: { o, v in o.pager = try onOff(v, "pager") }),
  ]

  package static func descriptor(_ name: String) -> Descriptor? {
    descriptors.first { $0.name == name }
  }
}

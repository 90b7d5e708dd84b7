import FshRuntime

extension CommandTable {
  /// Every command fsh ships with. Add a row when you add a command.
  public static var standard: CommandTable {
    // The network, the certificates, the control service: no caret under the command word.
    DiagnosticPrinter.causeIsElsewhere(for: [.connection, .tls, .server, .cluster])
    return CommandTable(
      CommandTable.language.commands + [
        // The session's options and configuration
        SetCommand.self, UnsetCommand.self,
        // Configuration and profiles
        ConfigCommand.self, ClustersCommand.self, UseCommand.self, DoctorCommand.self,
        ClusterAddCommand.self, ClusterRemoveCommand.self, EnvExportCommand.self,
        // The control service
        VersionCommand.self, APICommand.self, CurlCommand.self,
        DatasetsCommand.self, DatasetCommand.self, CreateCommand.self, DestroyCommand.self,
        MoveCommand.self, WaitCommand.self, ExplainCommand.self, NodesCommand.self,
        LeasesCommand.self, EventsCommand.self,
        LeaseAcquireCommand.self, LeaseReleaseCommand.self,
        // Certificates
        CertsCheckCommand.self, CertsShowCommand.self, CertsInitCommand.self,
        CertsControlCommand.self,
        CertsNodeCommand.self, CertsUserCommand.self,
        // Node onboarding
        AgentCheckCommand.self, AgentInitCommand.self, NodeBundleCommand.self,
      ])
  }
}

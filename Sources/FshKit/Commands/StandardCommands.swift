extension CommandTable {
  /// Every command fsh ships with. Add a row when you add a command.
  public static var standard: CommandTable {
    CommandTable([
      // The language and the session
      HelpCommand.self, EchoCommand.self, SleepCommand.self, ExitCommand.self,
      SourceCommand.self, SetCommand.self, UnsetCommand.self,
      HistoryCommand.self,
      // Configuration and profiles
      ConfigCommand.self, ClustersCommand.self, UseCommand.self,
      ClusterAddCommand.self, ClusterRemoveCommand.self, EnvExportCommand.self,
      // The control service
      VersionCommand.self, APICommand.self, CurlCommand.self,
      DatasetsCommand.self, DatasetCommand.self, CreateCommand.self, DestroyCommand.self,
      MoveCommand.self, WaitCommand.self, ExplainCommand.self, NodesCommand.self,
      LeasesCommand.self,
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

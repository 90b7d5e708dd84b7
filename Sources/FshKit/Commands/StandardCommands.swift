extension CommandTable {
  /// Every command fsh ships with. Add a row when you add a command.
  public static var standard: CommandTable {
    CommandTable([
      // The language and the session
      Builtins.Help.self, Builtins.Echo.self, Builtins.Sleep.self, Builtins.Exit.self,
      Builtins.Source.self, Builtins.SetOption.self, Builtins.UnsetOption.self,
      Builtins.History.self,
      // Configuration and profiles
      ConfigCommands.Show.self, ConfigCommands.Clusters.self, ConfigCommands.Use.self,
      ConfigCommands.Add.self, ConfigCommands.Remove.self, ConfigCommands.Export.self,
      // The control service
      ClusterBasics.Version.self, ClusterBasics.API.self, ClusterBasics.Curl.self,
      Datasets.List.self, Datasets.Show.self, Datasets.Create.self, Datasets.Destroy.self,
      Datasets.Move.self, Datasets.Wait.self, Datasets.Explain.self, NodesAndLeases.Nodes.self,
      NodesAndLeases.Leases.self,
      NodesAndLeases.Acquire.self, NodesAndLeases.Release.self,
      // Certificates
      Certs.Check.self, Certs.Show.self, Certs.Init.self, Certs.Control.self,
      Certs.NodeCertificate.self, Certs.User.self,
      // Node onboarding
      AgentCommands.Check.self, AgentCommands.Init.self, AgentCommands.Bundle.self,
    ])
  }
}

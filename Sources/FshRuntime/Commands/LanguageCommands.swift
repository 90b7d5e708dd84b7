extension CommandTable {
  /// The language's own commands: what a session runs with no library (`help`, `echo`, `sleep`,
  /// `exit`, `source`, `history`). A library's table starts from it.
  public static var language: CommandTable {
    CommandTable([
      HelpCommand.self, EchoCommand.self, SleepCommand.self, ExitCommand.self,
      SourceCommand.self, HistoryCommand.self,
    ])
  }
}

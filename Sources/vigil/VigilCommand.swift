import ArgumentParser

/// The `vigil` command: referral intake, the risk-ordered backlog, claims and safeguarding flags.
struct VigilCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vigil",
        abstract: "Referral queue and prioritiser for an internet child abuse team (metadata only).",
        subcommands: [
            ImportCommand.self, BacklogCommand.self, NextCommand.self, ShowCommand.self, ReleaseCommand.self,
            NotifyCommand.self, DecideCommand.self, FactCommand.self, StrategyCommand.self, CloseCommand.self, ReopenCommand.self, FlagsCommand.self,
            AlertsCommand.self,
            ChecksCommand.self,
            WorkCommand.self, IntelStubCommand.self,
            DemoCommand.self, ServeCommand.self, UserCommand.self, AuditCommand.self, IntegrityCommand.self, BenchCommand.self,
        ]
    )
}

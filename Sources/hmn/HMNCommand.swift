import ArgumentParser

/// The `hmn` command: runs nodes, devnets, simulations and demos.
@main
struct HMNCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hmn",
        abstract: "The Harmonic Mesh Network node and tools.",
        subcommands: [
            KeygenCommand.self, TestnetCommand.self, StartCommand.self, DevnetCommand.self, StatusCommand.self,
            TxCommand.self, MemoryCommand.self, SimulateCommand.self, DemoCommand.self, LedgerCrashWorkerCommand.self,
            ResetCommand.self,
            CampaignCommand.self,
        ]
    )
}

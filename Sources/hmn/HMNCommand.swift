import ArgumentParser

/// The `hmn` command: runs nodes, devnets, simulations and demos.
@main
struct HMNCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hmn",
        abstract: "The Harmonic Mesh Network node and tools.",
        subcommands: [DemoCommand.self, LedgerCrashWorkerCommand.self, SimulateCommand.self]
    )
}

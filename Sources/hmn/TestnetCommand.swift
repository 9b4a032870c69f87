import ArgumentParser
import HMNNode

extension ChainProfile: ExpressibleByArgument {}

/// `hmn testnet init`: a local testnet's home directories (see Docs/OPERATIONS.md).
struct TestnetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "testnet",
        abstract: "Create local testnets.",
        subcommands: [Init.self]
    )

    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "init",
            abstract: "Generate keys, a genesis and one home directory per validator."
        )

        @Option(help: "Number of validators (1…100).")
        var validators: Int

        @Option(help: "Directory to create the homes in (node0, node1, …).")
        var dir: String

        @Option(help: "Node i listens on base-port + 2i (P2P) and base-port + 2i + 1 (HTTP).")
        var basePort: Int = 26_656

        @Option(help: "Host every node listens on and dials.")
        var host: String = "127.0.0.1"

        @Option(help: "Chain id.")
        var chainID: String = "hmn-devnet"

        @Option(help: "Base epoch in milliseconds (the block delay at λ = 1); overrides the profile's.")
        var baseEpochMilliseconds: UInt64?

        @Option(help: "Memory-mesh shards (default: one per validator); their centroids are drawn from the chain id.")
        var shards: Int?

        @Option(help: "Validators that replicate each shard (default 3).")
        var replication: Int?

        @Option(help: "Timing preset: standard (blocks about once a second) or low-latency (next height at once).")
        var profile: ChainProfile = .standard

        func validate() throws {
            guard (1...100).contains(validators) else {
                throw ValidationError("--validators must be in 1…100")
            }
            guard (1...65_535).contains(basePort) else { throw ValidationError("--base-port must be in 1…65535") }
        }

        func run() throws {
            var options = Testnet.Options()
            options.apply(profile)
            if let baseEpochMilliseconds { options.coherence.baseEpochMilliseconds = baseEpochMilliseconds }
            options.mesh = GenesisDocument.Mesh(shards: shards, replicationFactor: replication)
            let layout: Testnet.Layout
            do {
                layout = try Testnet.initialize(
                    validators: validators, directory: dir, basePort: basePort, host: host, chainID: chainID,
                    options: options)
            } catch {
                throw CommandFailure(error.description)
            }
            print("testnet '\(chainID)' with \(validators) validators in \(dir) (profile \(profile.rawValue))")
            for (index, home) in layout.homes.enumerated() {
                let port = basePort + 2 * index
                let key = layout.validatorKeys[index].publicKey.short
                print("  \(home)  key \(key)…  p2p \(host):\(port)  http \(port + 1)")
            }
            print("  faucet key: \(dir)/faucet_key (\(layout.faucetKey.publicKey.short)…)")
            print("start a node with: hmn start --home \(layout.homes[0])")
        }
    }
}

import Foundation
import HMNLedger
import HMNPrimitives

/// Creates a local testnet on disk: one home directory per validator (`node0`, `node1`, …) with
/// its own key and distinct ports, a shared genesis that bonds every validator and funds them and
/// a faucet account, and every node's peer list naming all the others.
public enum Testnet {
    /// What ``initialize(validators:directory:basePort:host:chainID:options:)`` created.
    public struct Layout: Sendable {
        public var homes: [String]
        public var validatorKeys: [SigningKey]
        /// A funded non-validator account for sample transactions (`<dir>/faucet_key`).
        public var faucetKey: SigningKey
        public var genesis: GenesisDocument
    }

    /// Tunables of a generated testnet; defaults suit a loopback devnet.
    public struct Options: Sendable {
        public var stake: UInt64 = 10_000
        /// One stake per validator, overriding `stake` (e.g. unequal voting power for an emergency
        /// drill); nil gives every validator `stake`.
        public var stakes: [UInt64]?
        public var validatorBalance: UInt64 = 1_000_000
        public var faucetBalance: UInt64 = 1_000_000_000
        public var genesisTimeMilliseconds: UInt64?
        public var parameters = GenesisDocument.Parameters()
        public var coherence = GenesisDocument.Coherence()
        /// The memory mesh's layout; without `shards` or `centroids` there is one shard per
        /// validator, without `replicationFactor` each is on 3 validators.
        public var mesh: GenesisDocument.Mesh?
        public var timeouts = NodeConfiguration.Timeouts()
        public var lambdaPolicy = LambdaPolicyConfiguration()
        public var vectorDimension = 64
        /// Written to every node's `config.json` (``NodeConfiguration/maxProposalTransactions``).
        public var maxProposalTransactions: Int?
        /// Written to every node's `config.json` (``NodeConfiguration/submissionBacklog``).
        public var submissionBacklog: Int?
        /// Deterministic keys from this seed (tests); random keys when nil.
        public var keySeed: UInt64?

        public init() {}
    }

    /// `mesh` with its gaps filled: one shard per validator, the default replication factor.
    static func mesh(_ mesh: GenesisDocument.Mesh?, validators: Int) -> GenesisDocument.Mesh {
        var mesh = mesh ?? GenesisDocument.Mesh()
        if mesh.shards == nil, mesh.centroids == nil { mesh.shards = validators }
        if mesh.replicationFactor == nil { mesh.replicationFactor = GenesisDocument.Mesh.defaultReplicationFactor }
        return mesh
    }

    /// Ports: node `i` listens on `basePort + 2i` (P2P) and `basePort + 2i + 1` (HTTP).
    @discardableResult
    public static func initialize(
        validators count: Int, directory: String, basePort: Int = 26_656, host: String = "127.0.0.1",
        chainID: String = "hmn-devnet", options: Options = Options()
    ) throws(NodeConfigurationError) -> Layout {
        guard (1...100).contains(count) else {
            throw NodeConfigurationError(.invalidValue, "validators must be in 1…100, got \(count)")
        }
        guard basePort >= 1, basePort + 2 * count <= 65_535 else {
            throw NodeConfigurationError(.invalidValue, "base port \(basePort) leaves no room for \(count) nodes")
        }
        for index in 0..<count {
            let existing = NodeHome.path(NodeHome.path(directory, "node\(index)"), NodeHome.configurationFile)
            guard !FileManager.default.fileExists(atPath: existing) else {
                throw NodeConfigurationError(
                    .invalidValue, "\(directory) already holds a testnet; remove it first to start over", path: existing
                )
            }
        }
        if let stakes = options.stakes {
            guard stakes.count == count, stakes.allSatisfy({ $0 > 0 }) else {
                throw NodeConfigurationError(
                    .invalidValue, "stakes must name one positive stake per validator (\(count)), got \(stakes)")
            }
        }
        var generator = options.keySeed.map { SeededGenerator(seed: $0) }
        func newKey() -> SigningKey {
            guard var g = generator else { return SigningKey.generate() }
            defer { generator = g }
            return SigningKey(using: &g)
        }
        var keys: [SigningKey] = []
        for _ in 0..<count { keys.append(newKey()) }
        let faucet = newKey()
        let genesisTime = options.genesisTimeMilliseconds ?? UInt64(Date().timeIntervalSince1970 * 1000)
        let document = GenesisDocument(
            chainID: chainID, genesisTimeMilliseconds: genesisTime,
            accounts: keys.enumerated().map {
                GenesisDocument.Account(
                    publicKey: $1.publicKey.hex, balance: options.validatorBalance,
                    stake: options.stakes?[$0] ?? options.stake)
            } + [GenesisDocument.Account(publicKey: faucet.publicKey.hex, balance: options.faucetBalance, stake: 0)],
            parameters: options.parameters, coherence: options.coherence,
            mesh: options.mesh
                ?? GenesisDocument.Mesh(shards: count, replicationFactor: GenesisDocument.Mesh.defaultReplicationFactor)
        )
        _ = try document.genesis()
        _ = try document.meshLayout(dimension: options.vectorDimension)
        _ = try document.meshSplitPlanner()
        _ = try document.meshDigestSettleMilliseconds()
        _ = try document.emptyBlockWaitMilliseconds()

        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw NodeConfigurationError(.io, "cannot create \(directory): \(error)", path: directory)
        }
        try NodeKeyFile.write(faucet, to: NodeHome.path(directory, "faucet_key"))
        let addresses = keys.enumerated().map { "\($1.publicKey.hex)@\(host):\(basePort + 2 * $0)" }
        var homes: [String] = []
        for (index, key) in keys.enumerated() {
            let home = NodeHome.path(directory, "node\(index)")
            do {
                try FileManager.default.createDirectory(
                    atPath: NodeHome.path(home, "data"), withIntermediateDirectories: true)
            } catch {
                throw NodeConfigurationError(.io, "cannot create \(home): \(error)", path: home)
            }
            let configuration = NodeConfiguration(
                chainID: chainID, moniker: "node\(index)", listenHost: host, listenPort: basePort + 2 * index,
                httpPort: basePort + 2 * index + 1,
                peers: addresses.enumerated().filter { $0.offset != index }.map(\.element),
                timeouts: options.timeouts, lambdaPolicy: options.lambdaPolicy,
                vectorDimension: options.vectorDimension,
                submissionBacklog: options.submissionBacklog, maxProposalTransactions: options.maxProposalTransactions)
            try NodeHome.writeJSON(configuration, path: NodeHome.path(home, NodeHome.configurationFile))
            try NodeHome.writeJSON(document, path: NodeHome.path(home, NodeHome.genesisFile))
            try NodeKeyFile.write(key, to: NodeHome.path(home, configuration.nodeKeyFile))
            homes.append(home)
        }
        return Layout(homes: homes, validatorKeys: keys, faucetKey: faucet, genesis: document)
    }
}

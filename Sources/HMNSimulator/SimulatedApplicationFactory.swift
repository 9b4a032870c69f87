import HMNPrimitives

/// What a simulated node's application is built from. `disk` survives crashes: an application
/// re-created after a restart must resume from what it committed there.
public struct SimulatedNodeContext {
    public var index: Int
    public var signingKey: SigningKey
    public var chainID: String
    public var genesis: [ValidatorPower]
    public var disk: SimulatedDisk
    /// The node reports shard digests that disagree with the majority (drives Ĉ down).
    public var reportsFaultyShardDigests: Bool
}

/// Builds the application each simulated node runs. The simulator ships ``KVApplicationFactory``;
/// a full node plugs in HMNLedger + HMNCoherence by conforming another type (or using
/// ``ClosureApplicationFactory``).
public protocol SimulatedApplicationFactory {
    /// Called at start and after every restart of node `context.index`.
    func makeApplication(_ context: SimulatedNodeContext) throws -> any ConsensusApplication
}

/// A factory from a closure.
public struct ClosureApplicationFactory: SimulatedApplicationFactory {
    let make: (SimulatedNodeContext) throws -> any ConsensusApplication

    public init(_ make: @escaping (SimulatedNodeContext) throws -> any ConsensusApplication) { self.make = make }

    public func makeApplication(_ context: SimulatedNodeContext) throws -> any ConsensusApplication {
        try make(context)
    }
}

/// Builds ``KVApplication``s.
public struct KVApplicationFactory: SimulatedApplicationFactory {
    public var configuration: KVApplicationConfiguration

    public init(configuration: KVApplicationConfiguration = KVApplicationConfiguration()) {
        self.configuration = configuration
    }

    public func makeApplication(_ context: SimulatedNodeContext) throws -> any ConsensusApplication {
        var configuration = configuration
        configuration.chainID = context.chainID
        return try KVApplication(
            configuration: configuration, genesis: context.genesis, disk: context.disk,
            nodeKey: context.signingKey.publicKey, reportsFaultyShardDigests: context.reportsFaultyShardDigests)
    }
}

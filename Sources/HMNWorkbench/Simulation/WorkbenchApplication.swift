import HMNCoherence
import HMNPrimitives
import HMNSimulator

/// The application each simulated node runs in a workbench study: HMNSimulator's
/// ``KVApplication`` (the exact Layer-2 transition, emergency actions, evidence) with three things
/// swapped in from the scenario:
///
/// - the λ proposal in this node's vote extensions comes from the policy under study (a fresh
///   instance per node, fed the observations a CAL engine has: recent Ĉ, participation, rounds and
///   the mempool), computed once per committed height so stateful policies step once per height;
/// - during a memory-divergence window this node reports a shard digest that disagrees with the
///   majority (its coherence contribution is 0); under a replica fault its digest follows what its
///   ``WorkbenchReplica`` holds;
/// - client load: transactions that arrived by the proposal's time (``LoadModel``) enter the
///   mempool and fill blocks (at most ``KVBlock/maxTransactions`` each).
///
/// Everything is a deterministic function of the committed chain and the scenario, so a run is
/// still a pure function of its seed.
public final class WorkbenchApplication: ConsensusApplication {
    public let inner: KVApplication
    let nodeIndex: Int
    let nodeKey: PublicKey
    let divergence: [ScenarioFaults.MemoryDivergence]
    var replica: WorkbenchReplica
    let load: LoadModel
    var policy: any LambdaPolicy
    /// The λ this node puts in its next vote extensions.
    public private(set) var nextProposal: FixedPoint
    /// Transactions numbered below this were handed to the mempool.
    var submittedUpTo: Int
    var coherenceHistory: [Double]
    var participationHistory: [Double] = []
    var roundsHistory: [UInt32] = []
    var finalizing: (signedShare: Double, round: UInt32)?
    static let window = 16

    init(
        inner: KVApplication, nodeIndex: Int, nodeKey: PublicKey, policy: any LambdaPolicy,
        divergence: [ScenarioFaults.MemoryDivergence], replicaFaults: [ScenarioFaults.ReplicaFault] = [],
        load: LoadModel
    ) {
        self.inner = inner
        self.nodeIndex = nodeIndex
        self.nodeKey = nodeKey
        self.policy = policy
        self.divergence = divergence
        self.replica = WorkbenchReplica(node: nodeIndex, faults: replicaFaults, committed: inner.state.entries)
        self.load = load
        let state = inner.state
        coherenceHistory = [state.coherence.doubleValue]
        // A restarted node does not re-submit what arrived before its last committed block.
        submittedUpTo = load.arrivals(until: state.coherenceState.timeMilliseconds)
        nextProposal = state.lambda
        nextProposal = proposeFromHistory()
    }

    /// The committed state (Ĉ, λ, validators, emergency heights…).
    public var state: KVState { inner.state }

    /// Transactions waiting in this node's mempool.
    public var mempoolSize: Int { inner.mempool.count }

    public func info() throws -> ApplicationInfo { try inner.info() }

    public func checkTransaction(_ transaction: [UInt8]) -> TransactionCheck { inner.checkTransaction(transaction) }

    public func prepareProposal(_ request: PrepareProposalRequest) throws -> ProposedBlock {
        let arrived = load.arrivals(until: request.timeMilliseconds)
        // Keep the mempool to what a block can carry plus a margin; the rest is backlog counted in
        // `arrived - submittedUpTo`, submitted as blocks drain the mempool.
        while submittedUpTo < arrived && inner.mempool.count < 4 * KVBlock.maxTransactions {
            inner.submit("load\(submittedUpTo % 64)=n\(submittedUpTo)")
            submittedUpTo += 1
        }
        return try inner.prepareProposal(request)
    }

    public func processProposal(_ request: ProcessProposalRequest) -> ProposalVerdict {
        inner.processProposal(request)
    }

    public func extendVote(height: UInt64, round: UInt32, blockID: Hash256) -> VoteExtension {
        var vote = inner.extendVote(height: height, round: round, blockID: blockID)
        vote.lambdaProposal = nextProposal
        let time = inner.state.coherenceState.timeMilliseconds
        if divergence.contains(where: { $0.contains(node: nodeIndex, atMilliseconds: time) }) {
            let digest = Hash256.of(parts: [Array("diverged".utf8), nodeKey.bytes])
            vote.shardDigests = [ShardDigest(shard: 0, digest: digest)]
        }
        if let digest = replica.faultyDigest {
            vote.shardDigests = [ShardDigest(shard: 0, digest: digest)]
        }
        return vote
    }

    public func verifyVoteExtension(_ voteExtension: VoteExtension, validator: PublicKey, height: UInt64) -> Bool {
        inner.verifyVoteExtension(voteExtension, validator: validator, height: height)
    }

    public func finalizeBlock(_ request: FinalizeBlockRequest) throws -> FinalizeBlockResponse {
        let set = inner.state.validators
        let total = set.reduce(0.0) { $0 + Double($1.power) }
        let signers = Set(request.commit.signatures.map(\.validator))
        let signed = set.filter { signers.contains($0.publicKey) }.reduce(0.0) { $0 + Double($1.power) }
        finalizing = (total > 0 ? min(signed / total, 1) : 0, request.commit.round)
        return try inner.finalizeBlock(request)
    }

    public func commit() throws {
        try inner.commit()
        replica.committed(inner.state.entries, atMilliseconds: inner.state.coherenceState.timeMilliseconds)
        if let finalizing {
            Self.append(finalizing.signedShare, to: &participationHistory)
            Self.append(finalizing.round, to: &roundsHistory)
        }
        finalizing = nil
        Self.append(inner.state.coherence.doubleValue, to: &coherenceHistory)
        nextProposal = proposeFromHistory()
    }

    public func committedBlock(atHeight height: UInt64) throws -> CommittedBlock? {
        try inner.committedBlock(atHeight: height)
    }

    /// Asks the policy once; a policy error keeps the chain's λ (and is visible as a flat λ).
    private func proposeFromHistory() -> FixedPoint {
        let parameters = inner.configuration.coherence
        let current = inner.state.lambda
        guard
            let observation = try? LambdaObservation(
                coherenceHistory: coherenceHistory, participation: participationHistory,
                roundsOfLastHeights: roundsHistory, gossipBacklog: 0, mempoolSize: mempoolSize,
                currentLambda: current.doubleValue, parameters: parameters),
            let proposal = try? policy.proposeLambda(observation)
        else { return current }
        return proposal
    }

    private static func append<T>(_ value: T, to history: inout [T]) {
        history.append(value)
        if history.count > window { history.removeFirst(history.count - window) }
    }
}

/// Builds a ``WorkbenchApplication`` per node (at boot and after every restart) with a fresh
/// policy instance from the registry.
public struct WorkbenchApplicationFactory: SimulatedApplicationFactory {
    public let configuration: KVApplicationConfiguration
    public let spec: PolicySpec
    public let registry: PolicyRegistry
    public let scenario: Scenario

    public init(
        scenario: Scenario, spec: PolicySpec, registry: PolicyRegistry, configuration: KVApplicationConfiguration
    ) {
        self.scenario = scenario
        self.spec = spec
        self.registry = registry
        self.configuration = configuration
    }

    public func makeApplication(_ context: SimulatedNodeContext) throws -> any ConsensusApplication {
        var configuration = configuration
        configuration.chainID = context.chainID
        let inner = try KVApplication(
            configuration: configuration, genesis: context.genesis, disk: context.disk,
            nodeKey: context.signingKey.publicKey, reportsFaultyShardDigests: false)
        return WorkbenchApplication(
            inner: inner, nodeIndex: context.index, nodeKey: context.signingKey.publicKey,
            policy: try registry.makePolicy(spec), divergence: scenario.faults.memoryDivergence,
            replicaFaults: scenario.faults.replicaFaults, load: scenario.load)
    }
}

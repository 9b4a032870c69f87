import HMNCoherence
import HMNLedger
import HMNPrimitives

/// The real Layer-2 engine: HMNLedger's ``Layer2Engine`` hook backed by HMNCoherence's pure
/// transition ``CoherenceState/applying(_:parameters:)`` (SPEC §3–§7).
///
/// - Its canonical state is exactly the ``CoherenceState`` encoding, so a header's L2 root is the
///   coherence state's ``CoherenceState/root``.
/// - The parameters are not part of the state: every node derives them from the same genesis
///   (``CoherenceParameters/aligned(with:)``); ``restored(from:)`` keeps this engine's parameters.
/// - The local λ proposal is not consensus state either: it comes from a ``CALEngine`` (the
///   configured ``LambdaPolicy``), shared by reference between the ledger's copies of the engine,
///   and falls back to the current λ without one.
public struct CoherenceLayer2Engine: Layer2Engine {
    public private(set) var state: CoherenceState
    public let parameters: CoherenceParameters
    /// Source of the local λ proposal (not hashed, not persisted).
    public let cal: CALEngine?
    /// What the last ``advance(_:)`` decided (transient: nil after a restore). The node feeds it to
    /// the CAL engine once the block commits.
    public private(set) var lastOutcome: CoherenceOutcome?
    /// The last transition the facts made impossible (a ledger/L2 mismatch; should never happen).
    public private(set) var lastError: CoherenceError?

    /// An engine before ``start(_:)`` or ``restored(from:)``, with the chain's parameters.
    public init(parameters: CoherenceParameters, cal: CALEngine? = nil) {
        self.parameters = parameters
        self.cal = cal
        // A placeholder until start/restore; genesis with one zero key is always valid.
        self.state = Self.placeholderState(parameters)
    }

    private static func placeholderState(_ parameters: CoherenceParameters) -> CoherenceState {
        // swiftlint:disable:next force_try
        try! CoherenceState.genesis(validators: [PublicKey.placeholder], parameters: parameters)
    }

    public mutating func start(_ genesis: Layer2Genesis) {
        do {
            state = try CoherenceState.genesis(
                validators: genesis.validators.map(\.publicKey), timeMilliseconds: genesis.genesisTimeMilliseconds,
                parameters: parameters)
        } catch {
            // The ledger validated the genesis (≥ 1 validator, unique keys), so this cannot happen.
            lastError = error
        }
        lastOutcome = nil
    }

    public mutating func advance(_ facts: Layer2BlockFacts) {
        let signers = facts.lastCommit == nil ? facts.validators : facts.lastCommitValidators
        let stakes = Dictionary(facts.stakes.map { ($0.publicKey, $0.power) }, uniquingKeysWith: { $1 })
        let blockFacts = BlockFacts.finalized(
            height: facts.height, timeMilliseconds: facts.timeMilliseconds, signers: signers,
            lastCommit: facts.lastCommit, equivocators: facts.equivocators, stake: { stakes[$0] }, after: state)
        do {
            (state, lastOutcome) = try state.applying(blockFacts, parameters: parameters)
            lastError = nil
        } catch {
            // Deterministic on every node: the state stays put and the header shows it.
            lastError = error
            lastOutcome = nil
        }
    }

    public var canonicalState: [UInt8] { state.canonicalBytes }

    public func restored(from bytes: [UInt8]) throws -> CoherenceLayer2Engine {
        var engine = self
        engine.state = try CoherenceState(canonicalBytes: bytes)
        engine.lastOutcome = nil
        engine.lastError = nil
        return engine
    }

    public var lambda: FixedPoint { state.lambda }
    public var coherence: FixedPoint { state.coherence }
    public var nextHeightIsEmergency: Bool { state.nextHeightIsEmergency }

    public var nextBlockDelayMilliseconds: UInt64 {
        EpochDelay.milliseconds(lambda: state.lambda, emergency: state.nextHeightIsEmergency, parameters: parameters)
    }

    public func requiredActions(atHeight height: UInt64) -> [Layer2Action] {
        state.requiredEmergencyActions(atHeight: height).map { action in
            switch action.kind {
            case .slash: .slash(validator: action.validator, amount: action.amount)
            case .boost: .boost(validator: action.validator, amount: action.amount)
            }
        }
    }

    /// Ledger mining epoch `e ≥ 1` is the `e`-th closed epoch of `M` heights: its entitlements are
    /// fixed by the block at height `e·M` (L2 epoch `e − 1`) and mintable at heights `e·M + 1 … (e+1)·M`.
    public func mintT0Amount(for account: PublicKey, epoch: UInt64, atHeight height: UInt64) -> UInt64? {
        let length = parameters.miningEpochHeights
        guard epoch >= 1, height > epoch * length, height <= (epoch + 1) * length,
            let award = state.t0Entitlements.first(where: { $0.recipient == account }),
            award.epoch + 1 == epoch, award.amount > 0
        else { return nil }
        return award.amount
    }

    public func memoryProofReward(author: PublicKey, rphv: FixedPoint) -> UInt64? {
        guard rphv >= parameters.criticalValue else { return nil }
        let amount = MintSchedule.t1Amount(value: rphv, alreadyPaid: state.t1PaidInEpoch, parameters: parameters)
        return amount > 0 ? amount : nil
    }

    public func lambdaProposal(atHeight height: UInt64) -> FixedPoint {
        guard let proposal = cal?.currentProposal,
            LambdaAggregation.isAcceptableProposal(proposal, parameters: parameters)
        else { return state.lambda }
        return proposal
    }

    public func isAcceptable(_ voteExtension: VoteExtension, from validator: PublicKey, atHeight height: UInt64) -> Bool
    {
        // Digests are accepted as reported (canonical and bounded); which shards a validator hosts
        // is not checked here.
        voteExtension.isCanonical && voteExtension.shardDigests.count <= VoteExtension.maxShardDigests
            && LambdaAggregation.isAcceptableProposal(voteExtension.lambdaProposal, parameters: parameters)
    }

    /// Ψ of a validator after the last committed block.
    public func psi(of key: PublicKey) -> FixedPoint? { state.psi(of: key) }
}

extension PublicKey {
    /// A valid key no one holds (the Ed25519 base point), for placeholder states.
    static let placeholder: PublicKey = SigningKey.placeholderKey.publicKey
}

extension SigningKey {
    static let placeholderKey: SigningKey = {
        // swiftlint:disable:next force_try
        try! SigningKey(seed: Array(repeating: 0, count: SigningKey.seedByteCount))
    }()
}

import HMNPrimitives

/// One validator's numbers at a height.
public struct ValidatorScore: Hashable, Sendable {
    public var publicKey: PublicKey
    /// `c_i(h)`; nil when the validator was not scored (inactive, or a block without a commit).
    public var contribution: FixedPoint?
    /// `Ψ_i(h)`.
    public var psi: FixedPoint

    public init(publicKey: PublicKey, contribution: FixedPoint?, psi: FixedPoint) {
        self.publicKey = publicKey
        self.contribution = contribution
        self.psi = psi
    }
}

/// What one Layer-2 step decided: the numbers of height `h` and the directives for the layers
/// around it (in the Instance/Directive style: the caller executes them, this module does no I/O).
public struct CoherenceOutcome: Hashable, Sendable {
    /// The block's height `h`.
    public var height: UInt64
    /// λ(h).
    public var lambda: FixedPoint
    /// Ĉ(h).
    public var coherence: FixedPoint
    /// C(h); nil at a block without a commit (height 1), where nothing is measured.
    public var instantCoherence: FixedPoint?
    /// Share of the voting power that signed the last commit (`Σ s_i signed_i / Σ s_i`, floored);
    /// nil at a block without a commit. A policy input (``LambdaObservation/participation``).
    public var participation: FixedPoint?
    /// Every validator record after the step, sorted by key.
    public var scores: [ValidatorScore]

    /// Slashes for validators proven to equivocate in this block (Ψ set to 0, slashed at once).
    public var equivocationSlashes: [EmergencyAction]
    /// True when `h` itself is an emergency height.
    public var isEmergencyHeight: Bool
    /// The actions block `h` had to carry (empty unless `h` is an emergency height).
    public var emergencyActions: [EmergencyAction]

    /// True when `h + 1` is an emergency height (Ĉ(h) < threshold and the cooldown has passed).
    public var nextHeightIsEmergency: Bool
    /// The exact slash and boost list block `h + 1` must carry (empty unless emergency).
    public var nextEmergencyActions: [EmergencyAction]
    /// Wait before height `h + 1` starts: `max(minEpoch, baseEpoch × λ)`, 0 before an emergency height.
    public var nextBlockDelayMilliseconds: UInt64

    /// Validators whose stake falls below `minStake` after this block's slashes: they leave the set
    /// (the ledger emits a power-0 update, effective at `h + 2`).
    public var leavingValidators: [PublicKey]

    /// T0 entitlements fixed at the end of a mining epoch (empty at other heights).
    public var t0Entitlements: [MintAward]
    /// T1 rewards for this block's memory proofs, in proof order.
    public var t1Awards: [MintAward]

    /// The mesh's gossip tier under λ(h).
    public var gossipPace: GossipPace
    /// The mesh's routing mode under λ(h).
    public var routingMode: RoutingMode
    /// The L2 root of the new state.
    public var stateRoot: Hash256
}

extension CoherenceOutcome {
    /// The validator-set changes this step implies, in the shape `FinalizeBlockResponse` carries:
    /// a power-0 update for every leaving validator (effective at `h + 2`).
    public var validatorUpdates: [ValidatorPower] {
        leavingValidators.map { ValidatorPower(publicKey: $0, power: 0) }
    }
}

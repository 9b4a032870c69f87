import HMNPrimitives

/// The standalone Layer-2 engine: a chain with perfect coherence.
///
/// λ = 1, Ĉ = 1, Ψ = 1 for everyone, a fixed 1,000 ms block delay, never an emergency, so no
/// actions. Mining still follows SPEC §7: at the boundary after each mining epoch of `M` heights it
/// snapshots the validators' stakes (stake ≥ minStake), and during the next `M` heights each of
/// them may mint once exactly `floor(epochReward × Ĉ × Ψ × s_i / Σs)`. A T1 reward is
/// `memoryProofReward` for a critical proof.
/// This keeps HMNLedger fully usable without the coherence layer; HMNNode plugs the real engine in.
public struct UnitLayer2Engine: Layer2Engine, Hashable {
    /// Delay between blocks in standalone mode.
    public static let blockDelayMilliseconds: UInt64 = 1_000
    /// λ proposals outside this range are refused (SPEC §5 defaults).
    public static let lambdaRange = FixedPoint(raw: 100_000)...FixedPoint(raw: 1_500_000)

    public private(set) var lastHeight: UInt64 = 0
    public private(set) var miningEpochLength: UInt64 = 10
    public private(set) var epochReward: UInt64 = 0
    public private(set) var memoryProofRewardAmount: UInt64 = 0
    /// Only accounts staking at least this much mine (the validators, SPEC §7).
    public private(set) var minStake: UInt64 = 1
    /// The mining epoch whose stake snapshot is held (0 = none yet).
    public private(set) var snapshotEpoch: UInt64 = 0
    /// Stakes at the end of `snapshotEpoch`, sorted by key.
    public private(set) var snapshot: [ValidatorPower] = []

    /// An engine before ``start(_:)``.
    public init() {}

    public mutating func start(_ genesis: Layer2Genesis) {
        self = UnitLayer2Engine()
        miningEpochLength = max(1, genesis.miningEpochLength)
        epochReward = genesis.epochReward
        memoryProofRewardAmount = genesis.memoryProofReward
        minStake = max(1, genesis.minStake)
    }

    public mutating func advance(_ facts: Layer2BlockFacts) {
        lastHeight = facts.height
        if facts.height % miningEpochLength == 0 {
            snapshotEpoch = facts.height / miningEpochLength
            snapshot = facts.stakes.filter { $0.power >= minStake }
        }
    }

    public var lambda: FixedPoint { .one }
    public var coherence: FixedPoint { .one }
    public var nextBlockDelayMilliseconds: UInt64 { Self.blockDelayMilliseconds }
    public var nextHeightIsEmergency: Bool { false }

    public func requiredActions(atHeight height: UInt64) -> [Layer2Action] { [] }

    public func mintT0Amount(for account: PublicKey, epoch: UInt64, atHeight height: UInt64) -> UInt64? {
        guard epoch >= 1, epoch == snapshotEpoch,
            height > epoch * miningEpochLength, height <= (epoch + 1) * miningEpochLength,
            let stake = snapshot.first(where: { $0.publicKey == account })?.power, stake > 0,
            let total = snapshot.totalPower, total > 0
        else { return nil }
        // floor(R × s_i / Σs) exactly in 128 bits, then × Ĉ × Ψ (both 1 here) in fixed point.
        let share = UInt64(UInt128(epochReward) * UInt128(stake) / UInt128(total))
        let amount = coherence.multiplied(by: .one).scaling(share) ?? 0
        return amount > 0 ? amount : nil
    }

    public func memoryProofReward(author: PublicKey, rphv: FixedPoint) -> UInt64? {
        rphv >= MemoryProof.criticalThreshold && memoryProofRewardAmount > 0 ? memoryProofRewardAmount : nil
    }

    public func lambdaProposal(atHeight height: UInt64) -> FixedPoint { .one }

    public func isAcceptable(_ voteExtension: VoteExtension, from validator: PublicKey, atHeight height: UInt64) -> Bool
    {
        Self.lambdaRange.contains(voteExtension.lambdaProposal) && voteExtension.isCanonical
    }

    public var canonicalState: [UInt8] {
        var encoder = CanonicalEncoder(capacity: 64 + snapshot.count * 40)
        encoder.encode("hmn/l2-unit/v1")
        encoder.encode(lastHeight)
        encoder.encode(miningEpochLength)
        encoder.encode(epochReward)
        encoder.encode(memoryProofRewardAmount)
        encoder.encode(minStake)
        encoder.encode(snapshotEpoch)
        encoder.encode(snapshot)
        return encoder.bytes
    }

    public func restored(from bytes: [UInt8]) throws -> UnitLayer2Engine {
        var decoder = CanonicalDecoder(bytes)
        guard try decoder.decode(String.self, maxLength: 32) == "hmn/l2-unit/v1" else {
            throw CodecError(.invalidValue, offset: 0, "not a UnitLayer2Engine state")
        }
        var engine = UnitLayer2Engine()
        engine.lastHeight = try decoder.decode()
        engine.miningEpochLength = try decoder.decode()
        engine.epochReward = try decoder.decode()
        engine.memoryProofRewardAmount = try decoder.decode()
        engine.minStake = try decoder.decode()
        engine.snapshotEpoch = try decoder.decode()
        engine.snapshot = try decoder.decodeArray(maxCount: 1_000_000)
        try decoder.finish()
        guard engine.miningEpochLength > 0 else {
            throw CodecError(.invalidValue, offset: 0, "mining epoch length must be positive")
        }
        return engine
    }
}

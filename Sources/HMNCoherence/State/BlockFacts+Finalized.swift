import HMNPrimitives

extension BlockFacts {
    /// The facts of a finalized block as an application assembles them from its own bookkeeping,
    /// shared by every application that runs the Layer-2 transition (the node's ledger engine and
    /// the simulator's key-value application), so they cannot drift apart.
    ///
    /// - `signers` is the set whose precommits `lastCommit` holds (the block's own set at height 1);
    /// - block time is clamped to be non-decreasing, because proposer clocks may be skewed and
    ///   ``CoherenceState/applying(_:parameters:)`` requires monotone time;
    /// - equivocators L2 no longer knows are dropped (a removed validator has no record to zero);
    /// - `joined` is every signer without a record in `state`;
    /// - stakes cover exactly `signers`, from `stake` (0 when unknown).
    public static func finalized(
        height: UInt64, timeMilliseconds: UInt64, signers: [ValidatorPower], lastCommit: CommitCertificate?,
        equivocators: some Sequence<PublicKey>, stake: (PublicKey) -> UInt64?,
        memoryProofs: [MemoryProofFact] = [], after state: CoherenceState
    ) -> BlockFacts {
        BlockFacts(
            height: height,
            timeMilliseconds: max(timeMilliseconds, state.timeMilliseconds),
            validators: signers, lastCommit: lastCommit,
            equivocators: Array(Set(equivocators.filter { state.record(of: $0) != nil })),
            joined: signers.map(\.publicKey).filter { state.record(of: $0) == nil },
            stakes: signers.map { ValidatorPower(publicKey: $0.publicKey, power: stake($0.publicKey) ?? 0) },
            memoryProofs: memoryProofs)
    }
}

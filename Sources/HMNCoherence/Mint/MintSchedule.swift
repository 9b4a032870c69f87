import HMNPrimitives

/// Mint amounts per tier (SPEC §7), exact and recomputable.
///
/// Budget per mining epoch: `epochReward` in total. `t1Budget = floor(epochReward × t1Share)` is
/// reserved for T1 memory-proof rewards; T0 shares the rest, `t0Pool = epochReward − t1Budget`:
/// `T0_i = floor(t0Pool × Ĉ × Ψ_i × s_i / Σ s)`, one floor over the exact product. Because Ĉ ≤ 1,
/// Ψ_i ≤ 1 and Σ s_i/Σ s = 1, Σ T0_i ≤ t0Pool; T1 payments stop when `t1Budget` is spent; so T0 + T1
/// never exceed `epochReward`. (This refines SPEC §7, where T0 uses `epochReward` itself: with
/// `t1Share = 0` the two coincide.) T4 boosts are emergency actions outside this budget.
public enum MintSchedule {
    /// The mining epoch of a height: heights `1…M` are epoch 0, `M+1…2M` epoch 1, …
    public static func epoch(ofHeight height: UInt64, parameters: CoherenceParameters) -> UInt64 {
        height == 0 ? 0 : (height - 1) / parameters.miningEpochHeights
    }

    /// True for the last height of a mining epoch, where T0 entitlements are fixed.
    public static func isEpochEnd(height: UInt64, parameters: CoherenceParameters) -> Bool {
        height > 0 && height % parameters.miningEpochHeights == 0
    }

    /// `floor(epochReward × t1Share)`.
    public static func t1Budget(parameters: CoherenceParameters) -> UInt64 {
        parameters.t1Share.scaling(parameters.epochReward) ?? 0
    }

    /// `epochReward − t1Budget`.
    public static func t0Pool(parameters: CoherenceParameters) -> UInt64 {
        parameters.epochReward - t1Budget(parameters: parameters)
    }

    /// `floor(pool × Ĉ × Ψ × power / totalPower)`, evaluated exactly in 256-bit width and floored once.
    /// Returns 0 when `totalPower` is 0. Ĉ and Ψ are taken as given (callers pass values in [0, 1]).
    public static func t0Amount(
        pool: UInt64, coherence: FixedPoint, psi: FixedPoint, power: UInt64, totalPower: UInt64
    ) -> UInt64 {
        guard totalPower > 0, coherence.raw > 0, psi.raw > 0 else { return 0 }
        let scale = UInt128(UInt64(FixedPoint.scale))
        let numerator = UInt128(pool) * UInt128(UInt64(coherence.raw)) * UInt128(UInt64(psi.raw))
        let denominator = scale * scale * UInt128(totalPower)
        let wide = numerator.multipliedFullWidth(by: UInt128(power))
        // The quotient is ≤ pool × (Ĉ·Ψ ≤ 1) × (power ≤ total) / total, which fits; guard anyway.
        guard wide.high < denominator else { return UInt64.max }
        let (quotient, _) = denominator.dividingFullWidth(wide)
        return quotient > UInt128(UInt64.max) ? UInt64.max : UInt64(quotient)
    }

    /// T1 for one critical proof: `min(floor(t1MaxRewardPerProof × RΦV), budget left)`.
    public static func t1Amount(value: FixedPoint, alreadyPaid: UInt64, parameters: CoherenceParameters) -> UInt64 {
        let budget = t1Budget(parameters: parameters)
        let left = budget > alreadyPaid ? budget - alreadyPaid : 0
        let wish = value.clamped(to: .zero...FixedPoint.one).scaling(parameters.t1MaxRewardPerProof) ?? 0
        return min(wish, left)
    }

    /// T0 entitlements of every validator for a closing epoch, sorted by key.
    public static func t0Entitlements(
        validators: [ValidatorPower], psi: (PublicKey) -> FixedPoint, coherence: FixedPoint, epoch: UInt64,
        parameters: CoherenceParameters
    ) -> [MintAward] {
        guard let total = validators.totalPower, total > 0 else { return [] }
        let pool = t0Pool(parameters: parameters)
        return validators.sorted { $0.publicKey < $1.publicKey }.map { validator in
            MintAward(
                recipient: validator.publicKey, tier: .t0, epoch: epoch,
                amount: t0Amount(
                    pool: pool, coherence: coherence, psi: psi(validator.publicKey),
                    power: validator.power, totalPower: total))
        }
    }
}

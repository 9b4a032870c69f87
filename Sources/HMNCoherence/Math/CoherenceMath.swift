import HMNPrimitives

/// The small exact formulas of SPEC §3–§6, shared by the state transition, the tests and anyone
/// who wants one number without running a chain.
///
/// Rounding: each formula is evaluated as one exact rational expression in 128-bit integers and
/// floored once at the end (for the non-negative values used here, truncation is floor).
/// A formula never rounds twice, so its result is the floor of the true value.
public enum CoherenceMath {
    /// `(1 − w)·previous + w·sample`, the EWMA of Ĉ (w = β) and of Ψ (w = α), floored once.
    /// With `previous`, `sample` in [0, 1] and `w` in (0, 1] the result stays in [0, 1].
    public static func ewma(previous: FixedPoint, sample: FixedPoint, weight: FixedPoint) -> FixedPoint {
        let scale = Int128(FixedPoint.scale)
        let numerator = (scale - Int128(weight.raw)) * Int128(previous.raw) + Int128(weight.raw) * Int128(sample.raw)
        return FixedPoint(raw: Int64(numerator / scale))
    }

    /// `c_i = signed_i × agree_i` with `agree_i = matching / reported` (1 when nothing is reported).
    public static func contribution(signed: Bool, matchingShards: Int, reportedShards: Int) -> FixedPoint {
        guard signed else { return .zero }
        guard reportedShards > 0 else { return .one }
        return FixedPoint(ratio: Int64(matchingShards), Int64(reportedShards))
    }

    /// `C(h) = Σ s_i c_i / Σ s_i`, floored once. `nil` when the powers are empty or sum to 0 or
    /// overflow `UInt64` (callers report that as a typed error).
    public static func instantCoherence(_ weighted: [(power: UInt64, contribution: FixedPoint)]) -> FixedPoint? {
        var total: UInt64 = 0
        var sum: Int128 = 0
        for entry in weighted {
            let (next, overflow) = total.addingReportingOverflow(entry.power)
            if overflow { return nil }
            total = next
            sum += Int128(entry.power) * Int128(entry.contribution.raw)
        }
        guard total > 0 else { return nil }
        return FixedPoint(raw: Int64(sum / Int128(total)))
    }

    /// Slash for `Ψ < ψlow`: `floor(stake × slashRate × (1 − Ψ/ψlow))`; 0 when `Ψ ≥ ψlow`.
    public static func slashAmount(
        stake: UInt64, psi: FixedPoint, psiLow: FixedPoint, slashRate: FixedPoint
    ) -> UInt64 {
        guard psi < psiLow, psiLow.raw > 0, slashRate.raw > 0 else { return 0 }
        let below = UInt128(UInt64(psiLow.raw - max(psi.raw, 0)))
        let numerator = UInt128(stake) * UInt128(UInt64(slashRate.raw)) * below
        let denominator = UInt128(UInt64(FixedPoint.scale)) * UInt128(UInt64(psiLow.raw))
        return UInt64(numerator / denominator)
    }

    /// T4 boost for `Ψ > ψhigh`: `floor(stake × boostRate × (Ψ − ψhigh)/(1 − ψhigh))`; 0 otherwise.
    public static func boostAmount(
        stake: UInt64, psi: FixedPoint, psiHigh: FixedPoint, boostRate: FixedPoint
    ) -> UInt64 {
        guard psi > psiHigh, psiHigh < .one, boostRate.raw > 0 else { return 0 }
        let above = UInt128(UInt64(min(psi.raw, FixedPoint.scale) - psiHigh.raw))
        let numerator = UInt128(stake) * UInt128(UInt64(boostRate.raw)) * above
        let denominator = UInt128(UInt64(FixedPoint.scale)) * UInt128(UInt64(FixedPoint.scale - psiHigh.raw))
        return UInt64(numerator / denominator)
    }
}

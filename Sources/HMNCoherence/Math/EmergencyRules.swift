import HMNPrimitives

/// Self-healing rules (SPEC §6): when an emergency height happens and what it must carry.
public enum EmergencyRules {
    /// One validator as the emergency rules see it.
    public struct Candidate: Hashable, Sendable {
        public var publicKey: PublicKey
        public var psi: FixedPoint
        /// In base units.
        public var stake: UInt64

        public init(publicKey: PublicKey, psi: FixedPoint, stake: UInt64) {
            self.publicKey = publicKey
            self.psi = psi
            self.stake = stake
        }
    }

    /// `Ĉ < emergencyThreshold` (strictly).
    public static func isBelowThreshold(_ coherence: FixedPoint, parameters: CoherenceParameters) -> Bool {
        coherence < parameters.emergencyThreshold
    }

    /// Whether `height` may be an emergency height: no emergency yet, or
    /// `height > lastEmergencyHeight + cooldown` (so the `cooldown` heights after one are exempt).
    public static func cooldownAllows(
        height: UInt64, lastEmergencyHeight: UInt64?, parameters: CoherenceParameters
    ) -> Bool {
        guard let last = lastEmergencyHeight else { return true }
        let (earliestExempt, overflow) = last.addingReportingOverflow(parameters.emergencyCooldownHeights)
        return !overflow && height > earliestExempt
    }

    /// The exact action list: a slash for every `Ψ < ψlow`, a boost for every `Ψ > ψhigh`, amounts
    /// from ``CoherenceMath/slashAmount(stake:psi:psiLow:slashRate:)`` and
    /// ``CoherenceMath/boostAmount(stake:psi:psiHigh:boostRate:)``; sorted by key. A listed action
    /// may have amount 0 (tiny stake): the list is who the thresholds name, so it is checkable.
    public static func actions(for candidates: [Candidate], parameters: CoherenceParameters) -> [EmergencyAction] {
        var actions: [EmergencyAction] = []
        for candidate in candidates {
            if candidate.psi < parameters.psiLow {
                let amount = CoherenceMath.slashAmount(
                    stake: candidate.stake, psi: candidate.psi, psiLow: parameters.psiLow,
                    slashRate: parameters.slashRate)
                actions.append(EmergencyAction(validator: candidate.publicKey, kind: .slash, amount: amount))
            } else if candidate.psi > parameters.psiHigh {
                let amount = CoherenceMath.boostAmount(
                    stake: candidate.stake, psi: candidate.psi, psiHigh: parameters.psiHigh,
                    boostRate: parameters.boostRate)
                actions.append(EmergencyAction(validator: candidate.publicKey, kind: .boost, amount: amount))
            }
        }
        return actions.sorted()
    }

    /// Slash for proven equivocation: the slash formula at Ψ = 0, i.e. `floor(stake × slashRate)`.
    public static func equivocationSlash(stake: UInt64, parameters: CoherenceParameters) -> UInt64 {
        CoherenceMath.slashAmount(stake: stake, psi: .zero, psiLow: parameters.psiLow, slashRate: parameters.slashRate)
    }
}

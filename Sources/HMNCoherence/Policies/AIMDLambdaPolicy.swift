/// Additive increase, multiplicative decrease, as in TCP congestion control.
///
/// While the chain is coherent (newest Ĉ ≥ `coherentFrom`, Ĉ did not fall by more than
/// `dropTolerance` since the previous height, and no recent height needed more than
/// `maxCalmRounds` rounds) it proposes `currentλ + increase`; otherwise `currentλ × decreaseFactor`.
/// It starts from the chain's λ each time, so it holds no state. Documented direction: steady
/// coherence → λ climbs linearly to λmax; a drop → λ halves (by default); recovery → λ climbs again.
public struct AIMDLambdaPolicy: LambdaPolicy, Hashable {
    /// Added to λ per coherent height (default 0.05).
    public let increase: Double
    /// λ is multiplied by this on a drop (default 0.5), in (0, 1).
    public let decreaseFactor: Double
    /// Newest Ĉ at or above this counts as coherent (default 0.9).
    public let coherentFrom: Double
    /// A fall of Ĉ by more than this since the previous height is a drop (default 0.05).
    public let dropTolerance: Double
    /// A recent height needing more rounds than this is turbulence (default 1).
    public let maxCalmRounds: UInt32

    /// - Throws: ``CoherenceError/Code/invalidParameter`` for non-finite values, `increase ≤ 0`,
    ///   `decreaseFactor` outside (0, 1), `coherentFrom` outside [0, 1] or a negative tolerance.
    public init(
        increase: Double = 0.05, decreaseFactor: Double = 0.5, coherentFrom: Double = 0.9,
        dropTolerance: Double = 0.05, maxCalmRounds: UInt32 = 1
    ) throws(CoherenceError) {
        guard [increase, decreaseFactor, coherentFrom, dropTolerance].allSatisfy(\.isFinite) else {
            throw CoherenceError(.invalidParameter, "AIMD parameters must be finite")
        }
        guard increase > 0 else {
            throw CoherenceError(.invalidParameter, "AIMD increase must be > 0, got \(increase)")
        }
        guard decreaseFactor > 0, decreaseFactor < 1 else {
            throw CoherenceError(.invalidParameter, "AIMD decreaseFactor must be in (0, 1), got \(decreaseFactor)")
        }
        guard (0...1).contains(coherentFrom), dropTolerance >= 0 else {
            throw CoherenceError(.invalidParameter, "AIMD coherentFrom must be in [0, 1] and dropTolerance ≥ 0")
        }
        self.increase = increase
        self.decreaseFactor = decreaseFactor
        self.coherentFrom = coherentFrom
        self.dropTolerance = dropTolerance
        self.maxCalmRounds = maxCalmRounds
    }

    public var name: String { "aimd" }

    public mutating func desiredLambda(_ observation: LambdaObservation) -> Double {
        let latest = observation.latestCoherence
        let calmRounds = observation.roundsOfLastHeights.allSatisfy { $0 <= maxCalmRounds }
        let coherent = latest >= coherentFrom && observation.previousCoherence - latest <= dropTolerance && calmRounds
        return coherent ? observation.currentLambda + increase : observation.currentLambda * decreaseFactor
    }
}

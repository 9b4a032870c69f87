/// Piecewise-constant λ on the newest Ĉ: the first band whose floor Ĉ reaches wins.
///
/// Defaults: Ĉ ≥ 0.95 → 1.2; Ĉ ≥ 0.85 → 0.9; Ĉ ≥ 0.7 → 0.6; below → 0.3. Documented direction:
/// λ falls as Ĉ falls (turbulence speeds gossip and epochs up) and rises back with Ĉ. Memoryless,
/// so it reacts in one height; the chain's step limit smooths the jump.
public struct ThresholdLambdaPolicy: LambdaPolicy, Hashable {
    /// One band: when Ĉ ≥ `minimumCoherence`, propose `lambda`.
    public struct Band: Hashable, Sendable {
        public let minimumCoherence: Double
        public let lambda: Double

        public init(minimumCoherence: Double, lambda: Double) {
            self.minimumCoherence = minimumCoherence
            self.lambda = lambda
        }
    }

    /// Bands with strictly decreasing floors.
    public let bands: [Band]
    /// λ when Ĉ is below every band.
    public let floorLambda: Double

    /// - Throws: ``CoherenceError/Code/invalidParameter`` for non-finite values, floors outside
    ///   [0, 1] or not strictly decreasing, or a non-positive λ.
    public init(
        bands: [Band] = [
            Band(minimumCoherence: 0.95, lambda: 1.2),
            Band(minimumCoherence: 0.85, lambda: 0.9),
            Band(minimumCoherence: 0.7, lambda: 0.6),
        ],
        floorLambda: Double = 0.3
    ) throws(CoherenceError) {
        for (index, band) in bands.enumerated() {
            guard band.minimumCoherence.isFinite, (0...1).contains(band.minimumCoherence) else {
                throw CoherenceError(.invalidParameter, "band \(index) floor \(band.minimumCoherence) not in [0, 1]")
            }
            guard band.lambda.isFinite, band.lambda > 0 else {
                throw CoherenceError(.invalidParameter, "band \(index) λ \(band.lambda) must be finite and > 0")
            }
            if index > 0, !(band.minimumCoherence < bands[index - 1].minimumCoherence) {
                throw CoherenceError(.invalidParameter, "band floors must be strictly decreasing (band \(index))")
            }
        }
        guard floorLambda.isFinite, floorLambda > 0 else {
            throw CoherenceError(.invalidParameter, "floorLambda must be finite and > 0, got \(floorLambda)")
        }
        self.bands = bands
        self.floorLambda = floorLambda
    }

    public var name: String { "threshold" }

    public mutating func desiredLambda(_ observation: LambdaObservation) -> Double {
        let coherence = observation.latestCoherence
        return bands.first { coherence >= $0.minimumCoherence }?.lambda ?? floorLambda
    }
}

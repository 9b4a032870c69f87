import HMNPrimitives

extension CoherenceParameters {
    /// Checks every range and ordering rule listed on the properties. Called by the initialiser
    /// and by the decoder, so no invalid parameter set can exist.
    public func validate() throws(CoherenceError) {
        let zero = FixedPoint.zero
        let one = FixedPoint.one
        try Self.require(beta > zero && beta <= one, "beta must be in (0, 1], got \(beta)")
        try Self.require(alpha > zero && alpha <= one, "alpha must be in (0, 1], got \(alpha)")
        try Self.require((zero...one).contains(genesisPsi), "genesisPsi must be in [0, 1], got \(genesisPsi)")
        try Self.require((zero...one).contains(joinPsi), "joinPsi must be in [0, 1], got \(joinPsi)")

        try Self.require(lambdaMin > zero, "lambdaMin must be > 0, got \(lambdaMin)")
        try Self.require(lambdaMin <= lambdaMax, "lambdaMin \(lambdaMin) must not exceed lambdaMax \(lambdaMax)")
        // λ × baseEpoch and λ-derived products stay far from Int64 overflow below 10⁶.
        try Self.require(lambdaMax <= FixedPoint(integer: 1_000_000), "lambdaMax must be ≤ 10⁶, got \(lambdaMax)")
        try Self.require(lambdaMaxStep > zero, "lambdaMaxStep must be > 0, got \(lambdaMaxStep)")
        try Self.require(
            lambdaRange.contains(initialLambda),
            "initialLambda \(initialLambda) must be in [lambdaMin, lambdaMax] = [\(lambdaMin), \(lambdaMax)]")

        try Self.require(baseEpochMilliseconds > 0, "baseEpochMilliseconds must be > 0")
        try Self.require(miningEpochHeights >= 1, "miningEpochHeights must be ≥ 1")

        try Self.require(
            (zero...one).contains(emergencyThreshold), "emergencyThreshold must be in [0, 1], got \(emergencyThreshold)"
        )
        try Self.require(psiLow > zero, "psiLow must be > 0 (it divides the slash formula), got \(psiLow)")
        try Self.require(psiLow < psiHigh, "psiLow \(psiLow) must be below psiHigh \(psiHigh)")
        try Self.require(psiHigh < one, "psiHigh must be < 1 (1 − psiHigh divides the boost formula), got \(psiHigh)")
        try Self.require((zero...one).contains(slashRate), "slashRate must be in [0, 1], got \(slashRate)")
        try Self.require((zero...one).contains(boostRate), "boostRate must be in [0, 1], got \(boostRate)")

        try Self.require((zero...one).contains(t1Share), "t1Share must be in [0, 1], got \(t1Share)")

        try Self.require(recencyTauMilliseconds > 0, "recencyTauMilliseconds must be > 0")
        try Self.require(accessHalfCount >= 1, "accessHalfCount must be ≥ 1")
        try Self.require(
            compressionValue >= zero && compressionValue < criticalValue && criticalValue <= one,
            "need 0 ≤ compressionValue < criticalValue ≤ 1, got \(compressionValue) and \(criticalValue)")

        try Self.require(
            zero < gossipHighBelow && gossipHighBelow <= gossipMediumBelow,
            "need 0 < gossipHighBelow ≤ gossipMediumBelow, got \(gossipHighBelow) and \(gossipMediumBelow)")
        try Self.require(
            gossipHighIntervalMilliseconds > 0 && gossipHighIntervalMilliseconds <= gossipMediumIntervalMilliseconds
                && gossipMediumIntervalMilliseconds <= gossipLowIntervalMilliseconds,
            "gossip intervals must be > 0 and non-decreasing high ≤ medium ≤ low")
        try Self.require(directRoutingFrom >= zero, "directRoutingFrom must be ≥ 0, got \(directRoutingFrom)")
    }

    private static func require(_ condition: Bool, _ message: @autoclosure () -> String) throws(CoherenceError) {
        if !condition { throw CoherenceError(.invalidParameter, message()) }
    }
}

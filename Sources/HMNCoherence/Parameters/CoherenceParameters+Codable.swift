import HMNPrimitives

extension CoherenceParameters: CanonicalCodable {
    public func encode(to encoder: inout CanonicalEncoder) {
        encoder.encode("hmn/coherence-parameters/v1")
        for fraction in [beta, alpha, genesisPsi, joinPsi, lambdaMin, lambdaMax, lambdaMaxStep, initialLambda] {
            encoder.encode(fraction)
        }
        encoder.encode(baseEpochMilliseconds)
        encoder.encode(minEpochMilliseconds)
        encoder.encode(miningEpochHeights)
        encoder.encode(emergencyThreshold)
        encoder.encode(emergencyCooldownHeights)
        for fraction in [psiLow, psiHigh, slashRate, boostRate] { encoder.encode(fraction) }
        encoder.encode(minStake)
        encoder.encode(epochReward)
        encoder.encode(t1Share)
        encoder.encode(t1MaxRewardPerProof)
        encoder.encode(recencyTauMilliseconds)
        encoder.encode(accessHalfCount)
        for fraction in [criticalValue, compressionValue, gossipHighBelow, gossipMediumBelow] {
            encoder.encode(fraction)
        }
        encoder.encode(gossipHighIntervalMilliseconds)
        encoder.encode(gossipMediumIntervalMilliseconds)
        encoder.encode(gossipLowIntervalMilliseconds)
        encoder.encode(directRoutingFrom)
    }

    /// Decodes and validates; an invalid parameter set is a `CodecError.Code.invalidValue`.
    public init(from decoder: inout CanonicalDecoder) throws(CodecError) {
        let start = decoder.offset
        let tag = try decoder.decode(String.self, maxLength: 64)
        guard tag == "hmn/coherence-parameters/v1" else {
            throw CodecError(.unknownTag, offset: start, "unknown coherence parameters version \(tag)")
        }
        let beta: FixedPoint = try decoder.decode()
        let alpha: FixedPoint = try decoder.decode()
        let genesisPsi: FixedPoint = try decoder.decode()
        let joinPsi: FixedPoint = try decoder.decode()
        let lambdaMin: FixedPoint = try decoder.decode()
        let lambdaMax: FixedPoint = try decoder.decode()
        let lambdaMaxStep: FixedPoint = try decoder.decode()
        let initialLambda: FixedPoint = try decoder.decode()
        let baseEpoch: UInt64 = try decoder.decode()
        let minEpoch: UInt64 = try decoder.decode()
        let miningEpoch: UInt64 = try decoder.decode()
        let emergencyThreshold: FixedPoint = try decoder.decode()
        let cooldown: UInt64 = try decoder.decode()
        let psiLow: FixedPoint = try decoder.decode()
        let psiHigh: FixedPoint = try decoder.decode()
        let slashRate: FixedPoint = try decoder.decode()
        let boostRate: FixedPoint = try decoder.decode()
        let minStake: UInt64 = try decoder.decode()
        let epochReward: UInt64 = try decoder.decode()
        let t1Share: FixedPoint = try decoder.decode()
        let t1Max: UInt64 = try decoder.decode()
        let tau: UInt64 = try decoder.decode()
        let accessHalf: UInt64 = try decoder.decode()
        let critical: FixedPoint = try decoder.decode()
        let compression: FixedPoint = try decoder.decode()
        let highBelow: FixedPoint = try decoder.decode()
        let mediumBelow: FixedPoint = try decoder.decode()
        let highInterval: UInt64 = try decoder.decode()
        let mediumInterval: UInt64 = try decoder.decode()
        let lowInterval: UInt64 = try decoder.decode()
        let direct: FixedPoint = try decoder.decode()
        do {
            try self.init(
                beta: beta, alpha: alpha, genesisPsi: genesisPsi, joinPsi: joinPsi,
                lambdaMin: lambdaMin, lambdaMax: lambdaMax, lambdaMaxStep: lambdaMaxStep, initialLambda: initialLambda,
                baseEpochMilliseconds: baseEpoch, minEpochMilliseconds: minEpoch, miningEpochHeights: miningEpoch,
                emergencyThreshold: emergencyThreshold, emergencyCooldownHeights: cooldown,
                psiLow: psiLow, psiHigh: psiHigh, slashRate: slashRate, boostRate: boostRate, minStake: minStake,
                epochReward: epochReward, t1Share: t1Share, t1MaxRewardPerProof: t1Max,
                recencyTauMilliseconds: tau, accessHalfCount: accessHalf,
                criticalValue: critical, compressionValue: compression,
                gossipHighBelow: highBelow, gossipMediumBelow: mediumBelow,
                gossipHighIntervalMilliseconds: highInterval, gossipMediumIntervalMilliseconds: mediumInterval,
                gossipLowIntervalMilliseconds: lowInterval, directRoutingFrom: direct)
        } catch {
            throw CodecError(.invalidValue, offset: start, error.message)
        }
    }
}

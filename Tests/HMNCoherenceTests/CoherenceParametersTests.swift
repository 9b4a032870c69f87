import HMNPrimitives
import Testing

@testable import HMNCoherence

@Suite("CoherenceParameters")
struct CoherenceParametersTests {
    @Test("defaults are the SPEC values and validate")
    func defaults() throws {
        let p = CoherenceParameters.standard
        #expect(p.beta == FixedPoint(raw: 300_000))
        #expect(p.alpha == FixedPoint(raw: 100_000))
        #expect(p.genesisPsi == .one && p.joinPsi == FixedPoint(raw: 500_000))
        #expect(p.lambdaMin == FixedPoint(raw: 100_000) && p.lambdaMax == FixedPoint(raw: 1_500_000))
        #expect(p.lambdaMaxStep == FixedPoint(raw: 250_000))
        #expect(p.baseEpochMilliseconds == 1_000 && p.minEpochMilliseconds == 50 && p.miningEpochHeights == 10)
        #expect(p.emergencyThreshold == FixedPoint(raw: 700_000) && p.emergencyCooldownHeights == 5)
        #expect(p.psiLow == FixedPoint(raw: 300_000) && p.psiHigh == FixedPoint(raw: 900_000))
        #expect(p.criticalValue == FixedPoint(raw: 800_000) && p.compressionValue == FixedPoint(raw: 200_000))
        #expect(p.gossipHighIntervalMilliseconds == 10 && p.gossipMediumIntervalMilliseconds == 50)
        #expect(p.gossipLowIntervalMilliseconds == 250 && p.directRoutingFrom == FixedPoint(raw: 700_000))
        try p.validate()
    }

    /// Each case builds parameters with one bad field; all must fail with `invalidParameter`.
    static var badCases: [(String, () throws -> CoherenceParameters)] {
        [
            ("beta = 0", { try CoherenceParameters(beta: .zero) }),
            ("beta > 1", { try CoherenceParameters(beta: FixedPoint(raw: 1_000_001)) }),
            ("alpha = 0", { try CoherenceParameters(alpha: .zero) }),
            ("alpha < 0", { try CoherenceParameters(alpha: FixedPoint(raw: -1)) }),
            ("alpha > 1", { try CoherenceParameters(alpha: FixedPoint(integer: 2)) }),
            (
                "lambdaMin > lambdaMax",
                {
                    try CoherenceParameters(lambdaMin: FixedPoint(integer: 2), lambdaMax: .one)
                }
            ),
            ("lambdaMin = 0", { try CoherenceParameters(lambdaMin: .zero) }),
            ("lambdaMaxStep = 0", { try CoherenceParameters(lambdaMaxStep: .zero) }),
            (
                "initialLambda out of range",
                {
                    try CoherenceParameters(initialLambda: FixedPoint(integer: 3))
                }
            ),
            (
                "psiLow ≥ psiHigh",
                {
                    try CoherenceParameters(psiLow: FixedPoint(raw: 900_000), psiHigh: FixedPoint(raw: 900_000))
                }
            ),
            ("psiHigh = 1", { try CoherenceParameters(psiHigh: .one) }),
            ("psiLow = 0", { try CoherenceParameters(psiLow: .zero) }),
            ("slashRate > 1", { try CoherenceParameters(slashRate: FixedPoint(integer: 2)) }),
            ("boostRate < 0", { try CoherenceParameters(boostRate: FixedPoint(raw: -5)) }),
            (
                "emergencyThreshold > 1",
                {
                    try CoherenceParameters(emergencyThreshold: FixedPoint(raw: 1_000_001))
                }
            ),
            (
                "compression ≥ critical",
                {
                    try CoherenceParameters(criticalValue: FixedPoint(raw: 200_000))
                }
            ),
            (
                "critical > 1",
                {
                    try CoherenceParameters(criticalValue: FixedPoint(raw: 1_000_001))
                }
            ),
            (
                "gossip tiers out of order",
                {
                    try CoherenceParameters(gossipHighBelow: FixedPoint(raw: 900_000))
                }
            ),
            (
                "gossip intervals out of order",
                {
                    try CoherenceParameters(gossipHighIntervalMilliseconds: 100)
                }
            ),
            ("baseEpoch = 0", { try CoherenceParameters(baseEpochMilliseconds: 0) }),
            ("mining epoch = 0", { try CoherenceParameters(miningEpochHeights: 0) }),
            ("tau = 0", { try CoherenceParameters(recencyTauMilliseconds: 0) }),
            ("accessHalfCount = 0", { try CoherenceParameters(accessHalfCount: 0) }),
            ("t1Share > 1", { try CoherenceParameters(t1Share: FixedPoint(integer: 2)) }),
            ("joinPsi > 1", { try CoherenceParameters(joinPsi: FixedPoint(integer: 2)) }),
        ]
    }

    @Test("every out-of-range or out-of-order field is a typed invalidParameter error")
    func badParameters() {
        for (name, build) in Self.badCases {
            do {
                _ = try build()
                Issue.record("\(name) was accepted")
            } catch {
                #expect((error as? CoherenceError)?.code == .invalidParameter, "\(name): \(error)")
            }
        }
    }

    @Test("canonical round trip; corrupted parameter bytes are rejected")
    func codec() throws {
        let custom = try CoherenceParameters(beta: FixedPoint(raw: 450_000), minStake: 77, epochReward: 123_456)
        let decoded = try CoherenceParameters(canonicalBytes: custom.canonicalBytes)
        #expect(decoded == custom)
        #expect(decoded.canonicalHash == custom.canonicalHash)
        #expect(CoherenceParameters.standard.canonicalHash != custom.canonicalHash)

        // beta is the first field after the tag (4-byte length + 27 bytes): set it to 0.
        var bytes = custom.canonicalBytes
        let betaOffset = 4 + "hmn/coherence-parameters/v1".utf8.count
        for index in betaOffset..<betaOffset + 8 { bytes[index] = 0 }
        #expect(throws: CodecError.self) { try CoherenceParameters(canonicalBytes: bytes) }
        #expect(throws: CodecError.self) {
            try CoherenceParameters(canonicalBytes: Array(custom.canonicalBytes.dropLast()))
        }
    }
}

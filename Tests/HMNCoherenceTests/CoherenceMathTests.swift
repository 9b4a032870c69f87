import HMNPrimitives
import Testing

@testable import HMNCoherence

@Suite("Coherence formulas (hand-computed)")
struct CoherenceMathTests {
    static let ewmaCases: [(Int64, Int64, Int64, Int64)] = [
        (Int64(1_000_000), Int64(500_000), Int64(300_000), Int64(850_000)),  // Ĉ: 0.7·1 + 0.3·0.5
        (333_333, 1_000_000, 100_000, 399_999),  // 0.3999997 floors to 0.399999
        (0, 0, 100_000, 0),
        (1_000_000, 1_000_000, 1_000_000, 1_000_000),
        (600_000, 0, 1_000_000, 0),  // w = 1: the sample alone
    ]

    @Test("EWMA: (1 − w)·prev + w·sample, floored once", arguments: ewmaCases)
    func ewma(previous: Int64, sample: Int64, weight: Int64, expected: Int64) {
        let result = CoherenceMath.ewma(
            previous: FixedPoint(raw: previous), sample: FixedPoint(raw: sample), weight: FixedPoint(raw: weight))
        #expect(result.raw == expected)
    }

    @Test("c_i = signed × agree")
    func contribution() {
        #expect(CoherenceMath.contribution(signed: true, matchingShards: 2, reportedShards: 3).raw == 666_666)
        #expect(CoherenceMath.contribution(signed: true, matchingShards: 0, reportedShards: 0) == .one)
        #expect(CoherenceMath.contribution(signed: false, matchingShards: 3, reportedShards: 3) == .zero)
        #expect(CoherenceMath.contribution(signed: true, matchingShards: 4, reportedShards: 4) == .one)
    }

    @Test("C(h) = Σ s_i c_i / Σ s_i")
    func instant() {
        let c = CoherenceMath.instantCoherence([(100, .one), (200, FixedPoint(raw: 500_000)), (700, .zero)])
        #expect(c?.raw == 200_000)
        #expect(CoherenceMath.instantCoherence([(3, .one), (0, .zero)]) == .one)
        #expect(CoherenceMath.instantCoherence([(1, FixedPoint(raw: 1)), (2, .zero)])?.raw == 0)
        #expect(CoherenceMath.instantCoherence([]) == nil)
        #expect(CoherenceMath.instantCoherence([(0, .one)]) == nil)
        #expect(CoherenceMath.instantCoherence([(UInt64.max, .one), (1, .one)]) == nil)
    }

    static let slashCases: [(UInt64, Int64, UInt64)] = [
        (UInt64(1_000), Int64(150_000), UInt64(50)),
        (1_000, 0, 100),
        (1_000, 100_000, 66),  // 66.67
        (1_000, 300_000, 0),  // at ψlow: not slashed
        (1_000, 299_999, 0),  // 0.00033…
        (UInt64.max, 0, UInt64.max / 10),
    ]

    @Test("slash = stake × slashRate × (1 − Ψ/ψlow) with ψlow 0.3, rate 0.1", arguments: slashCases)
    func slash(stake: UInt64, psi: Int64, expected: UInt64) {
        let p = CoherenceParameters.standard
        #expect(
            CoherenceMath.slashAmount(stake: stake, psi: FixedPoint(raw: psi), psiLow: p.psiLow, slashRate: p.slashRate)
                == expected)
    }

    static let boostCases: [(UInt64, Int64, UInt64)] = [
        (UInt64(1_000), Int64(950_000), UInt64(25)),
        (1_000, 1_000_000, 50),
        (1_000, 930_000, 15),
        (1_000, 900_000, 0),
        (1_000, 500_000, 0),
        (1_000_000, 900_001, 0),  // 0.5 floors to 0
    ]

    @Test("boost = stake × boostRate × (Ψ − ψhigh)/(1 − ψhigh) with ψhigh 0.9, rate 0.05", arguments: boostCases)
    func boost(stake: UInt64, psi: Int64, expected: UInt64) {
        let p = CoherenceParameters.standard
        #expect(
            CoherenceMath.boostAmount(
                stake: stake, psi: FixedPoint(raw: psi), psiHigh: p.psiHigh, boostRate: p.boostRate)
                == expected)
    }

    @Test("shard majority: power-weighted plurality, ties to the smallest digest")
    func shardMajority() {
        let (d1, d2, d3, d4) = (Fixtures.digest(1), Fixtures.digest(2), Fixtures.digest(3), Fixtures.digest(4))
        let a = [ShardDigest(shard: 1, digest: d1), ShardDigest(shard: 2, digest: d2)]
        let b = [ShardDigest(shard: 1, digest: d1), ShardDigest(shard: 2, digest: d3)]
        let c = [ShardDigest(shard: 1, digest: d4), ShardDigest(shard: 2, digest: d3)]
        let majority = ShardAgreement.majorityDigests([(100, a), (50, b), (60, c)])
        #expect(majority[1] == d1)  // 150 vs 60
        #expect(majority[2] == d3)  // 110 vs 100
        #expect(ShardAgreement.matchingCount(a, majority: majority) == 1)
        #expect(ShardAgreement.matchingCount(b, majority: majority) == 2)
        #expect(ShardAgreement.matchingCount(c, majority: majority) == 1)

        let tie = ShardAgreement.majorityDigests([
            (10, [ShardDigest(shard: 9, digest: d1)]), (10, [ShardDigest(shard: 9, digest: d2)]),
        ])
        #expect(tie[9] == min(d1, d2))
    }

    @Test("epoch delay, gossip tier and routing mode from λ")
    func paceAndRouting() {
        let p = CoherenceParameters.standard
        #expect(EpochDelay.milliseconds(lambda: .one, parameters: p) == 1_000)
        #expect(EpochDelay.milliseconds(lambda: FixedPoint(raw: 100_000), parameters: p) == 100)
        #expect(EpochDelay.milliseconds(lambda: FixedPoint(raw: 1_500_000), parameters: p) == 1_500)
        #expect(EpochDelay.milliseconds(lambda: FixedPoint(raw: 333_333), parameters: p) == 333)
        #expect(EpochDelay.milliseconds(lambda: FixedPoint(raw: 40_000), parameters: p) == 50)  // minEpoch floor
        #expect(EpochDelay.milliseconds(lambda: .one, emergency: true, parameters: p) == 0)

        #expect(GossipPace(lambda: FixedPoint(raw: 499_999), parameters: p) == .high)
        #expect(GossipPace(lambda: FixedPoint(raw: 500_000), parameters: p) == .medium)
        #expect(GossipPace(lambda: FixedPoint(raw: 799_999), parameters: p) == .medium)
        #expect(GossipPace(lambda: FixedPoint(raw: 800_000), parameters: p) == .low)
        #expect(GossipPace.high.intervalMilliseconds(parameters: p) == 10)
        #expect(GossipPace.medium.intervalMilliseconds(parameters: p) == 50)
        #expect(GossipPace.low.intervalMilliseconds(parameters: p) == 250)

        #expect(RoutingMode(lambda: FixedPoint(raw: 699_999), parameters: p) == .fallbackAllowed)
        #expect(RoutingMode(lambda: FixedPoint(raw: 700_000), parameters: p) == .direct)
    }
}

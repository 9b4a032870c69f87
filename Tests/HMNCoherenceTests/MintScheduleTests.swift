import HMNPrimitives
import Testing

@testable import HMNCoherence

@Suite("Mint schedule")
struct MintScheduleTests {
    let p = CoherenceParameters.standard

    @Test("hand-computed amounts and epochs")
    func table() {
        #expect(MintSchedule.t1Budget(parameters: p) == 100_000_000)
        #expect(MintSchedule.t0Pool(parameters: p) == 900_000_000)
        // 900 × 0.8 × 0.5 × 30/100 = 108.
        #expect(
            MintSchedule.t0Amount(
                pool: 900, coherence: FixedPoint(raw: 800_000), psi: FixedPoint(raw: 500_000), power: 30,
                totalPower: 100) == 108)
        // 1000 × 0.333333 × 1 × 1/3 = 111.111 → 111.
        #expect(
            MintSchedule.t0Amount(pool: 1_000, coherence: FixedPoint(raw: 333_333), psi: .one, power: 1, totalPower: 3)
                == 111)
        // Full width: nothing overflows at the extremes.
        #expect(
            MintSchedule.t0Amount(pool: .max, coherence: .one, psi: .one, power: .max, totalPower: .max) == .max)
        #expect(MintSchedule.t0Amount(pool: 5, coherence: .one, psi: .one, power: 1, totalPower: 0) == 0)

        #expect(MintSchedule.t1Amount(value: FixedPoint(raw: 900_000), alreadyPaid: 0, parameters: p) == 900_000)
        #expect(MintSchedule.t1Amount(value: .one, alreadyPaid: 99_999_900, parameters: p) == 100)
        #expect(MintSchedule.t1Amount(value: .one, alreadyPaid: 100_000_000, parameters: p) == 0)

        #expect(MintSchedule.epoch(ofHeight: 1, parameters: p) == 0)
        #expect(MintSchedule.epoch(ofHeight: 10, parameters: p) == 0)
        #expect(MintSchedule.epoch(ofHeight: 11, parameters: p) == 1)
        #expect(MintSchedule.isEpochEnd(height: 10, parameters: p))
        #expect(!MintSchedule.isEpochEnd(height: 11, parameters: p))
    }

    @Test("property: T0 + T1 minted in one epoch never exceed the epoch reward (2,000 cases)")
    func budget() throws {
        var rng = SeededGenerator(seed: 0x0C0FFEE)
        for _ in 0..<2_000 {
            let reward = UInt64.random(in: 0...(UInt64.max / 2), using: &rng)
            let params = try CoherenceParameters(
                epochReward: reward, t1Share: rng.unitFixed(),
                t1MaxRewardPerProof: UInt64.random(in: 0...UInt64.max, using: &rng))
            let validators = Fixtures.keys.prefix(Int.random(in: 1...32, using: &rng)).map {
                ValidatorPower(publicKey: $0, power: UInt64.random(in: 1...(UInt64.max / 64), using: &rng))
            }
            let psi = Dictionary(uniqueKeysWithValues: validators.map { ($0.publicKey, rng.unitFixed()) })
            let awards = MintSchedule.t0Entitlements(
                validators: validators, psi: { psi[$0]! }, coherence: rng.unitFixed(), epoch: 0, parameters: params)
            let t0 = awards.reduce(UInt128(0)) { $0 + UInt128($1.amount) }
            var paid: UInt64 = 0
            for _ in 0..<Int.random(in: 0...20, using: &rng) {
                paid += MintSchedule.t1Amount(
                    value: rng.fixed(in: 800_000...1_000_000), alreadyPaid: paid, parameters: params)
            }
            #expect(t0 <= UInt128(MintSchedule.t0Pool(parameters: params)))
            #expect(paid <= MintSchedule.t1Budget(parameters: params))
            #expect(t0 + UInt128(paid) <= UInt128(reward))
        }
    }
}

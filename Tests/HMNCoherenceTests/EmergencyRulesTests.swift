import HMNPrimitives
import Testing

@testable import HMNCoherence

@Suite("Emergency rules")
struct EmergencyRulesTests {
    @Test("cooldown: the 5 heights after an emergency height are exempt")
    func cooldown() {
        let p = CoherenceParameters.standard
        #expect(EmergencyRules.cooldownAllows(height: 3, lastEmergencyHeight: nil, parameters: p))
        #expect(!EmergencyRules.cooldownAllows(height: 15, lastEmergencyHeight: 10, parameters: p))
        #expect(EmergencyRules.cooldownAllows(height: 16, lastEmergencyHeight: 10, parameters: p))
        #expect(!EmergencyRules.cooldownAllows(height: .max, lastEmergencyHeight: .max, parameters: p))
        #expect(EmergencyRules.isBelowThreshold(FixedPoint(raw: 699_999), parameters: p))
        #expect(!EmergencyRules.isBelowThreshold(FixedPoint(raw: 700_000), parameters: p))
    }

    @Test("hand-computed action list")
    func table() {
        let k = Fixtures.keys
        let p = CoherenceParameters.standard
        let actions = EmergencyRules.actions(
            for: [
                .init(publicKey: k[3], psi: FixedPoint(raw: 150_000), stake: 1_000),  // slash 50
                .init(publicKey: k[1], psi: FixedPoint(raw: 950_000), stake: 1_000),  // boost 25
                .init(publicKey: k[2], psi: FixedPoint(raw: 500_000), stake: 1_000),  // nothing
                .init(publicKey: k[0], psi: FixedPoint(raw: 300_000), stake: 1_000),  // at ψlow: nothing
                .init(publicKey: k[4], psi: FixedPoint(raw: 900_000), stake: 1_000),  // at ψhigh: nothing
            ], parameters: p)
        #expect(
            actions == [
                EmergencyAction(validator: k[1], kind: .boost, amount: 25),
                EmergencyAction(validator: k[3], kind: .slash, amount: 50),
            ])
        #expect(EmergencyRules.equivocationSlash(stake: 1_000, parameters: p) == 100)
    }

    @Test("property: the list is exactly the validators the thresholds name, with SPEC amounts (1,500 cases)")
    func exactness() throws {
        var rng = SeededGenerator(seed: 0xE4E4)
        for _ in 0..<1_500 {
            let low = rng.fixed(in: 1...800_000)
            let high = rng.fixed(in: (low.raw + 1)...999_999)
            let params = try CoherenceParameters(
                psiLow: low, psiHigh: high, slashRate: rng.unitFixed(), boostRate: rng.unitFixed())
            let candidates = Fixtures.keys.shuffled(using: &rng).prefix(Int.random(in: 0...32, using: &rng)).map {
                EmergencyRules.Candidate(
                    publicKey: $0,
                    psi: Bool.random(using: &rng)
                        ? rng.unitFixed() : [low, high, .zero, .one].randomElement(using: &rng)!,
                    stake: UInt64.random(in: 0...UInt64.max, using: &rng))
            }
            let actions = EmergencyRules.actions(for: candidates, parameters: params)
            #expect(actions == actions.sorted())
            let slashed = Set(actions.filter { $0.kind == .slash }.map(\.validator))
            let boosted = Set(actions.filter { $0.kind == .boost }.map(\.validator))
            #expect(slashed == Set(candidates.filter { $0.psi < low }.map(\.publicKey)))
            #expect(boosted == Set(candidates.filter { $0.psi > high }.map(\.publicKey)))
            #expect(actions.count == slashed.count + boosted.count)
            let byKey = Dictionary(uniqueKeysWithValues: candidates.map { ($0.publicKey, $0) })
            for action in actions {
                let candidate = byKey[action.validator]!
                #expect(action.amount <= candidate.stake)
                // Independent evaluation in Double: within rounding of the exact floor.
                let stake = Double(candidate.stake)
                let expected =
                    action.kind == .slash
                    ? stake * params.slashRate.doubleValue * (1 - candidate.psi.doubleValue / low.doubleValue)
                    : stake * params.boostRate.doubleValue * (candidate.psi.doubleValue - high.doubleValue)
                        / (1 - high.doubleValue)
                #expect(abs(Double(action.amount) - expected) <= max(1, expected * 1e-12))
            }
        }
    }
}

import HMNPrimitives
import Testing

@testable import HMNCoherence

@Suite("Bad block facts and genesis")
struct BadFactsTests {
    let k = Fixtures.keys
    let p = CoherenceParameters.standard
    var four: [ValidatorPower] { Fixtures.equalPowers(4) }

    /// A state at height 1 to apply height-2 facts to.
    func base() throws -> CoherenceState {
        try CoherenceState.genesis(validators: Array(k.prefix(4)), parameters: p)
            .applying(Fixtures.facts(height: 1, validators: four, signing: []), parameters: p).state
    }

    func good() -> BlockFacts { Fixtures.facts(height: 2, validators: four, signing: Array(k.prefix(4))) }

    func expectCode(_ expected: CoherenceError.Code, _ facts: BlockFacts, _ note: Comment) throws {
        let state = try base()
        do {
            _ = try state.applying(facts, parameters: p)
            Issue.record("accepted: \(note)")
        } catch {
            #expect(error.code == expected, note)
        }
    }

    @Test("every inconsistency is a typed error")
    func table() throws {
        _ = try base().applying(good(), parameters: p)  // the baseline is accepted

        var f = good()
        f.height = 3
        try expectCode(.inconsistentFacts, f, "height skips")
        f = good()
        f.timeMilliseconds = 10
        try expectCode(.inconsistentFacts, f, "time goes backwards")
        f = good()
        f.validators = []
        try expectCode(.emptyValidatorSet, f, "empty validator set")
        f = good()
        f.validators = four.map { ValidatorPower(publicKey: $0.publicKey, power: 0) }
        try expectCode(.emptyValidatorSet, f, "zero total power")
        f = good()
        f.validators[0].power = .max
        try expectCode(.powerOverflow, f, "power overflow")
        f = good()
        f.validators.append(f.validators[0])
        try expectCode(.duplicateValidator, f, "duplicate validator")
        f = good()
        f.lastCommit = nil
        try expectCode(.inconsistentFacts, f, "missing commit")
        f = good()
        f.lastCommit = Fixtures.commit(height: 5, [(k[0], .one, [])])
        try expectCode(.inconsistentFacts, f, "commit for another height")
        f = good()
        f.lastCommit = Fixtures.commit(height: 1, [(k[0], .one, []), (k[20], .one, [])])
        try expectCode(.unknownValidator, f, "unknown signer")
        f = good()
        f.lastCommit!.signatures.append(f.lastCommit!.signatures[0])
        try expectCode(.duplicateValidator, f, "duplicate signer")
        f = good()
        let digest = ShardDigest(shard: 1, digest: Fixtures.digest(1))
        f.lastCommit = Fixtures.commit(height: 1, [(k[0], .one, [digest, digest])])
        try expectCode(.inconsistentFacts, f, "non-canonical shard digests")
        f = good()
        f.validators.append(ValidatorPower(publicKey: k[9], power: 1))
        try expectCode(.unknownValidator, f, "validator without record that did not join")
        f = good()
        f.joined = [k[0]]
        try expectCode(.duplicateValidator, f, "joined validator already known")
        f = good()
        f.joined = [k[9], k[9]]
        try expectCode(.duplicateValidator, f, "joined twice")
        f = good()
        f.equivocators = [k[12]]
        try expectCode(.unknownValidator, f, "unknown equivocator")
        f = good()
        f.stakes = [ValidatorPower(publicKey: k[0], power: 5)]
        try expectCode(.unknownValidator, f, "stakes do not cover the set")
        f = good()
        f.stakes = four.map { ValidatorPower(publicKey: $0.publicKey, power: .max) }
        try expectCode(.powerOverflow, f, "stake overflow")
        f = good()
        f.memoryProofs = [MemoryProofFact(node: k[0], value: FixedPoint(raw: 799_999))]
        try expectCode(.invalidRecord, f, "non-critical proof")
        f = good()
        f.memoryProofs = [MemoryProofFact(node: k[0], value: FixedPoint(raw: 1_000_001))]
        try expectCode(.invalidRecord, f, "proof RΦV above 1")
    }

    @Test("height 1 must not need a commit, later heights must; genesis needs unique validators")
    func genesis() throws {
        #expect(throws: CoherenceError.self) { try CoherenceState.genesis(validators: [], parameters: p) }
        #expect(throws: CoherenceError.self) { try CoherenceState.genesis(validators: [k[0], k[0]], parameters: p) }
        let s0 = try CoherenceState.genesis(validators: Array(k.prefix(4)), parameters: p)
        #expect(throws: CoherenceError.self) {
            try s0.applying(Fixtures.facts(height: 2, validators: four, signing: []), parameters: p)
        }
    }
}

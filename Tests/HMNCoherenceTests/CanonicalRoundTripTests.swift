import HMNPrimitives
import Testing

@testable import HMNCoherence

@Suite("Serialize / deserialize gives identical outputs")
struct CanonicalRoundTripTests {
    @Test("state, facts and parameters survive a canonical round trip bit for bit (200 heights)")
    func replay() throws {
        var rng = SeededGenerator(seed: 0xB17B17)
        let params = try CoherenceParameters(beta: FixedPoint(raw: 420_000), miningEpochHeights: 3)
        var state = try CoherenceState.genesis(validators: Array(Fixtures.keys.prefix(7)), parameters: params)
        for _ in 0..<200 {
            let facts = CoherencePropertyTests.randomFacts(for: state, rng: &rng, pool: Fixtures.keys)
            let (direct, directOutcome) = try state.applying(facts, parameters: params)

            let decodedState = try CoherenceState(canonicalBytes: state.canonicalBytes)
            let decodedFacts = try BlockFacts(canonicalBytes: facts.canonicalBytes)
            let decodedParams = try CoherenceParameters(canonicalBytes: params.canonicalBytes)
            #expect(decodedState == state && decodedFacts == facts && decodedParams == params)
            let (replayed, replayedOutcome) = try decodedState.applying(decodedFacts, parameters: decodedParams)
            #expect(replayed.canonicalBytes == direct.canonicalBytes)
            #expect(replayedOutcome == directOutcome)
            #expect(replayed.root == directOutcome.stateRoot)
            state = direct
        }
        #expect(state.height == 200)
    }

    @Test("decoding rejects truncation, trailing bytes, unsorted records and out-of-range Ψ")
    func rejects() throws {
        let keys = Array(Fixtures.keys.prefix(3))
        let state = try CoherenceState.genesis(validators: keys, parameters: .standard)
        let bytes = state.canonicalBytes
        #expect(throws: CodecError.self) { try CoherenceState(canonicalBytes: Array(bytes.dropLast())) }
        #expect(throws: CodecError.self) { try CoherenceState(canonicalBytes: bytes + [0]) }

        var unsorted = state
        unsorted.validators.swapAt(0, 1)
        #expect(throws: CodecError.self) { try CoherenceState(canonicalBytes: unsorted.canonicalBytes) }
        var badPsi = state
        badPsi.validators[0].psi = FixedPoint(raw: 1_000_001)
        #expect(throws: CodecError.self) { try CoherenceState(canonicalBytes: badPsi.canonicalBytes) }
        var badCoherence = state
        badCoherence.coherence = FixedPoint(raw: -1)
        #expect(throws: CodecError.self) { try CoherenceState(canonicalBytes: badCoherence.canonicalBytes) }

        var facts = Fixtures.facts(height: 2, validators: Fixtures.equalPowers(3), signing: keys)
        facts.validators.swapAt(0, 2)
        #expect(throws: CodecError.self) { try BlockFacts(canonicalBytes: facts.canonicalBytes) }
    }

    @Test("the L2 root changes with any field")
    func root() throws {
        let state = try CoherenceState.genesis(validators: Array(Fixtures.keys.prefix(3)), parameters: .standard)
        var other = state
        other.lambda = FixedPoint(raw: state.lambda.raw - 1)
        #expect(other.root != state.root)
        other = state
        other.lastEmergencyHeight = 0
        #expect(other.root != state.root)
    }
}

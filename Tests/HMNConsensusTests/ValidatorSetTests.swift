import HMNPrimitives
import Testing

@testable import HMNConsensus

@Suite("Validator set and proposer priority")
struct ValidatorSetTests {
    static func set(_ powers: [UInt64]) throws -> (ValidatorSet, [PublicKey]) {
        let keys = EngineHarness.keys(powers.count).map(\.publicKey)
        return (try ValidatorSet(zip(keys, powers).map { ValidatorPower(publicKey: $0, power: $1) }), keys)
    }

    @Test(
        "each validator proposes exactly its power's share over total-power rounds",
        arguments: [
            [1, 1, 1, 1], [1, 2, 3, 4], [10, 1, 1], [5, 7, 11, 13, 17],
        ] as [[UInt64]])
    func weightedFrequencies(_ powers: [UInt64]) throws {
        var (set, keys) = try Self.set(powers)
        let total = Int(powers.reduce(0, +))
        var counts: [PublicKey: Int] = [:]
        for _ in 0..<(total * 10) {
            set.incrementProposerPriority(times: 1)
            counts[set.proposer, default: 0] += 1
        }
        for (key, power) in zip(keys, powers) { #expect(counts[key] == Int(power) * 10) }
    }

    @Test("proposer(forRound:) equals r increments and is deterministic")
    func proposerForRound() throws {
        let (set, _) = try Self.set([3, 1, 4, 1, 5])
        var walk = set
        for round in 1..<20 {
            walk.incrementProposerPriority(times: 1)
            #expect(set.proposer(forRound: UInt32(round)) == walk.proposer)
        }
        #expect(set.proposer(forRound: 0) == set.proposer)
        let (again, _) = try Self.set([3, 1, 4, 1, 5])
        #expect(again == set)
    }

    @Test("a newcomer starts at -1.125 × total and does not propose at once")
    func newcomer() throws {
        var (set, _) = try Self.set([10, 10, 10])
        let newcomer = try SigningKey(seed: [UInt8](repeating: 99, count: 32)).publicKey
        try set.apply(updates: [ValidatorPower(publicKey: newcomer, power: 10)])
        #expect(set.count == 4)
        set.incrementProposerPriority(times: 1)
        #expect(set.proposer != newcomer)
        #expect(set.totalPower == 40)
    }

    @Test("bad updates are rejected and change nothing")
    func badUpdates() throws {
        var (set, keys) = try Self.set([1, 1])
        let before = set
        let stranger = try SigningKey(seed: [UInt8](repeating: 77, count: 32)).publicKey
        #expect(throws: ConsensusError.self) { try set.apply(updates: [ValidatorPower(publicKey: stranger, power: 0)]) }
        #expect(throws: ConsensusError.self) {
            try set.apply(updates: [
                ValidatorPower(publicKey: keys[0], power: 2), ValidatorPower(publicKey: keys[0], power: 3),
            ])
        }
        #expect(throws: ConsensusError.self) {
            try set.apply(updates: keys.map { ValidatorPower(publicKey: $0, power: 0) })
        }
        #expect(set == before)
        #expect(throws: ConsensusError.self) { _ = try ValidatorSet([]) }
    }

    @Test("canonical encoding round-trips, and unsorted sets are rejected")
    func coding() throws {
        let (set, _) = try Self.set([2, 3, 5])
        #expect(try ValidatorSet(canonicalBytes: set.canonicalBytes) == set)
        var encoder = CanonicalEncoder()
        encoder.encode(UInt32(2))
        encoder.encode(set.members[1])
        encoder.encode(set.members[0])
        encoder.encode(set.proposer)
        #expect(throws: CodecError.self) { _ = try ValidatorSet(canonicalBytes: encoder.bytes) }
    }
}

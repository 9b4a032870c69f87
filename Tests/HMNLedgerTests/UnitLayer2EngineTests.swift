import HMNPrimitives
import Testing
@testable import HMNLedger

@Suite("The standalone Layer-2 engine")
struct UnitLayer2EngineTests {
    static let keys = (0..<3).map { SigningKey.derived(from: "engine-\($0)").publicKey }.sorted()

    func started() -> UnitLayer2Engine {
        var engine = UnitLayer2Engine()
        engine.start(
            Layer2Genesis(
                chainID: "e", genesisTimeMilliseconds: 0, validators: [], stakes: [], miningEpochLength: 5,
                epochReward: 1_000, memoryProofReward: 7, minStake: 100))
        return engine
    }

    func facts(_ height: UInt64, stakes: [UInt64]) -> Layer2BlockFacts {
        Layer2BlockFacts(
            height: height, timeMilliseconds: height * 1_000, validators: [], lastCommit: nil, lastCommitValidators: [],
            equivocators: [],
            stakes: zip(Self.keys, stakes).map { ValidatorPower(publicKey: $0, power: $1) })
    }

    @Test("T0: the exact stake share, only in the window after the boundary, only for validators")
    func miningWindow() throws {
        var engine = started()
        for height in 1...4 as ClosedRange<UInt64> { engine.advance(facts(height, stakes: [100, 300, 50])) }
        #expect(engine.mintT0Amount(for: Self.keys[0], epoch: 1, atHeight: 5) == nil)  // epoch 1 not over
        engine.advance(facts(5, stakes: [100, 300, 50]))
        #expect(engine.mintT0Amount(for: Self.keys[0], epoch: 1, atHeight: 6) == 250)  // 1000 × 100 / 400
        #expect(engine.mintT0Amount(for: Self.keys[1], epoch: 1, atHeight: 10) == 750)
        #expect(engine.mintT0Amount(for: Self.keys[2], epoch: 1, atHeight: 6) == nil)  // stake 50 < minStake
        #expect(engine.mintT0Amount(for: Self.keys[0], epoch: 1, atHeight: 11) == nil)  // window closed
        #expect(engine.mintT0Amount(for: Self.keys[0], epoch: 0, atHeight: 6) == nil)
        #expect(engine.memoryProofReward(author: Self.keys[0], rphv: FixedPoint(raw: 800_000)) == 7)
        #expect(engine.memoryProofReward(author: Self.keys[0], rphv: FixedPoint(raw: 799_999)) == nil)
        #expect(engine.requiredActions(atHeight: 6).isEmpty && !engine.nextHeightIsEmergency)
    }

    @Test("the state survives its canonical bytes; other bytes are refused")
    func persistence() throws {
        var engine = started()
        for height in 1...7 as ClosedRange<UInt64> { engine.advance(facts(height, stakes: [100, 300, 500])) }
        let restored = try UnitLayer2Engine().restored(from: engine.canonicalState)
        #expect(restored == engine)
        #expect(restored.canonicalState == engine.canonicalState)
        #expect(throws: (any Error).self) {
            try UnitLayer2Engine().restored(from: Array(engine.canonicalState.dropLast()))
        }
        #expect(throws: (any Error).self) { try UnitLayer2Engine().restored(from: [0, 0, 0, 1, 65]) }
    }
}

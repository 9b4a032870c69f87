import Foundation
import HMNPrimitives
import Testing
@testable import HMNLedger

/// A Layer-2 engine that declares an emergency after height 2 and requires, at height 3, a slash
/// of one validator and a T4 boost of another: enough to drive every path of the hook.
struct EmergencyTestEngine: Layer2Engine, Hashable {
    var height: UInt64 = 0
    var slashed: PublicKey?
    var boosted: PublicKey?
    var signersSeen: UInt64 = 0
    var lastEquivocators: [PublicKey] = []

    mutating func start(_ genesis: Layer2Genesis) {
        let keys = genesis.validators.map(\.publicKey)
        slashed = keys.last
        boosted = keys.first
    }

    mutating func advance(_ facts: Layer2BlockFacts) {
        height = facts.height
        signersSeen += UInt64(facts.lastCommit?.signatures.count ?? 0)
        lastEquivocators = facts.equivocators
    }

    var canonicalState: [UInt8] {
        var encoder = CanonicalEncoder()
        encoder.encode(height)
        encoder.encode(slashed)
        encoder.encode(boosted)
        encoder.encode(signersSeen)
        encoder.encode(lastEquivocators)
        return encoder.bytes
    }

    func restored(from bytes: [UInt8]) throws -> EmergencyTestEngine {
        var decoder = CanonicalDecoder(bytes)
        var engine = EmergencyTestEngine()
        engine.height = try decoder.decode()
        engine.slashed = try decoder.decodeOptional()
        engine.boosted = try decoder.decodeOptional()
        engine.signersSeen = try decoder.decode()
        engine.lastEquivocators = try decoder.decodeArray(maxCount: 100)
        try decoder.finish()
        return engine
    }

    var lambda: FixedPoint { height >= 2 ? FixedPoint(raw: 300_000) : .one }
    var coherence: FixedPoint { height >= 2 ? FixedPoint(raw: 600_000) : .one }
    var nextBlockDelayMilliseconds: UInt64 { height >= 2 ? 0 : 1_000 }
    var nextHeightIsEmergency: Bool { height >= 2 }

    func requiredActions(atHeight height: UInt64) -> [Layer2Action] {
        guard height == 3, let slashed, let boosted else { return [] }
        return [.slash(validator: slashed, amount: 9_500), .boost(validator: boosted, amount: 50)]
    }

    func mintT0Amount(for account: PublicKey, epoch: UInt64, atHeight height: UInt64) -> UInt64? { nil }
    func memoryProofReward(author: PublicKey, rphv: FixedPoint) -> UInt64? { nil }
    func lambdaProposal(atHeight height: UInt64) -> FixedPoint { FixedPoint(raw: 500_000) }
    func isAcceptable(_ voteExtension: VoteExtension, from validator: PublicKey, atHeight height: UInt64) -> Bool {
        true
    }
}

@Suite("The Layer-2 hook")
struct Layer2HookTests {
    @Test("required actions, λ, Ĉ, delay and emergency flow from the engine; its state persists with blocks")
    func emergencyActions() throws {
        let chain = try TestChain()
        chain.ledger.close()
        try FileManager.default.removeItem(atPath: chain.path)
        chain.ledger = try Ledger(
            path: chain.path, genesis: chain.genesis, engine: EmergencyTestEngine(),
            logger: TestChain.quiet)
        let application = LedgerApplication(ledger: chain.ledger, logger: TestChain.quiet)
        let victim = chain.validatorKeys.map(\.publicKey).sorted().last!
        let lucky = chain.validatorKeys.map(\.publicKey).sorted().first!

        try chain.commitBlock()
        let second = try chain.commitBlock()
        #expect(second.block.header.lambda == FixedPoint(raw: 300_000))
        #expect(second.block.header.coherence == FixedPoint(raw: 600_000))
        #expect(second.nextHeightIsEmergency && second.nextBlockDelayMilliseconds == 0)
        #expect(try application.info().nextHeightIsEmergency)
        #expect(application.extendVote(height: 3, round: 0, blockID: .zero).lambdaProposal == FixedPoint(raw: 500_000))

        // A proposal at height 3 must carry exactly the required list.
        let (proposal, _) = try chain.propose([])
        #expect(proposal.block.actions.count == 2)
        var omitted = proposal.block
        omitted.actions = []
        #expect(throws: LedgerError.self) { try chain.ledger.execute(TestChain.resealed(omitted)) }
        var reordered = proposal.block
        reordered.actions.reverse()
        #expect(throws: LedgerError.self) { try chain.ledger.execute(TestChain.resealed(reordered)) }

        let executed = try chain.ledger.execute(blockBytes: proposal.bytes)
        #expect(executed.supply == SupplyChange(minted: 50, burned: 9_500))
        // The victim's stake falls to 500 < minStake: it leaves the set at h + 2.
        #expect(executed.validatorUpdates == [ValidatorPower(publicKey: victim, power: 0)])
        let certificate = try chain.certificate(for: executed)
        try chain.ledger.commit(executed, certificate: certificate)
        chain.lastCertificate = certificate
        #expect(chain.ledger.account(victim)?.stake == 500)
        #expect(chain.ledger.account(lucky)?.balance == 1_050)
        #expect(try !chain.ledger.validators(atHeight: 5).contains { $0.publicKey == victim })
        #expect(try chain.ledger.validators(atHeight: 4).contains { $0.publicKey == victim })

        // The engine state is restored through the engine on reopen and matches the L2 root.
        chain.ledger.close()
        chain.ledger = try Ledger.open(path: chain.path, engine: EmergencyTestEngine(), logger: TestChain.quiet)
        let restored = try #require(chain.ledger.layer2 as? EmergencyTestEngine)
        #expect(restored.height == 3)
        #expect(restored.signersSeen == 8)  // the 4-signature commits of heights 1 and 2
        #expect(throws: LedgerError.self) { try Ledger.open(path: chain.path, logger: TestChain.quiet) }
    }
}

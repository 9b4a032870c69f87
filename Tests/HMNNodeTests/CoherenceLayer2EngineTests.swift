import Foundation
import HMNCoherence
import HMNLedger
import HMNNode
import HMNPrimitives
import Logging
import Testing

/// A ledger driven with the real Layer-2 engine, block by block, with hand-made commits in which
/// one validator is absent and one reports a dissenting shard digest (so Ĉ falls below 0.7).
@Suite("CoherenceLayer2Engine")
struct CoherenceLayer2EngineTests {
    static let chainID = "hmn-l2-test"
    static let quiet = Logger(label: "hmn.test", factory: { _ in SwiftLogNoOpLogHandler() })
    let keys = (0..<4).map { SigningKey.derived(from: "l2-validator-\($0)") }
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hmn-l2-\(UUID().uuidString)")

    func makeLedger(epochLength: UInt64 = 4) throws -> (Ledger, CoherenceParameters) {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let genesis = Genesis(
            chainID: Self.chainID, genesisTimeMilliseconds: 1_700_000_000_000,
            accounts: keys.map { GenesisAccount(publicKey: $0.publicKey, balance: 1_000, stake: 10_000) },
            parameters: LedgerParameters(miningEpochLength: epochLength))
        let parameters = try CoherenceParameters.standard.aligned(with: genesis)
        let ledger = try Ledger(
            path: directory.appendingPathComponent("ledger.sqlite").path, genesis: genesis,
            engine: CoherenceLayer2Engine(parameters: parameters), logger: Self.quiet)
        return (ledger, parameters)
    }

    /// Validators 0–2 sign; 2 reports a digest of its own for shard 0; 3 is absent.
    func certificate(height: UInt64, blockID: Hash256) -> CommitCertificate {
        let agreed = ShardDigest(shard: 0, digest: Hash256.of(Array("agreed".utf8)))
        let dissent = ShardDigest(shard: 0, digest: Hash256.of(Array("dissent".utf8)))
        let votes = keys.prefix(3).enumerated().map { index, key in
            Vote.signed(
                chainID: Self.chainID, height: height, round: 0, type: .precommit, blockID: blockID,
                voteExtension: VoteExtension(
                    lambdaProposal: FixedPoint(ratio: 9, 10), shardDigests: [index == 2 ? dissent : agreed]),
                key: key)
        }
        return CommitCertificate(height: height, round: 0, blockID: blockID, precommits: votes)
    }

    @Test("headers carry exactly the λ, Ĉ and L2 root of a direct CoherenceState run; emergencies need their actions")
    func headersMatchDirectRun() throws {
        let (ledger, parameters) = try makeLedger()
        defer {
            ledger.close()
            try? FileManager.default.removeItem(at: directory)
        }
        let powers = keys.map { ValidatorPower(publicKey: $0.publicKey, power: 10_000) }
            .sorted { $0.publicKey < $1.publicKey }
        var direct = try CoherenceState.genesis(
            validators: powers.map(\.publicKey), timeMilliseconds: 1_700_000_000_000, parameters: parameters)
        var lastCommit: CommitCertificate?
        var sawEmergency = false
        for height in UInt64(1)...8 {
            let time = 1_700_000_000_000 + height * 1_000
            let required = ledger.layer2.requiredActions(atHeight: height)
            if ledger.layer2.nextHeightIsEmergency {
                sawEmergency = true
                #expect(!required.isEmpty, "an emergency height with everyone at Ψ ≈ 1 or below must boost or slash")
                #expect(ledger.layer2.nextBlockDelayMilliseconds == 0)
            }
            let (executed, _) = try ledger.propose(
                timeMilliseconds: time, proposer: keys[0].publicKey, candidates: [], lastCommit: lastCommit)
            #expect(executed.block.actions == required)
            if !required.isEmpty {
                // The same block without its actions is refused, and so is a list that differs.
                var stripped = executed.block
                stripped.actions = []
                stripped.header.actionsHash = Block.actionsHash([])
                #expect(throws: LedgerError.self) { try ledger.execute(stripped) }
                do {
                    _ = try ledger.execute(stripped)
                } catch {
                    #expect(error.code == .invalidActions)
                }
            }
            let certificate = certificate(height: height, blockID: executed.id)
            try ledger.commit(executed, certificate: certificate)

            // The direct run: the facts a reader derives from the chain by hand.
            let facts = BlockFacts(
                height: height, timeMilliseconds: time, validators: powers, lastCommit: lastCommit,
                stakes: powers)
            direct = try direct.applying(facts, parameters: parameters).state
            let header = executed.block.header
            #expect(header.lambda == direct.lambda)
            #expect(header.coherence == direct.coherence)
            #expect(header.layer2Root == direct.root)
            lastCommit = certificate
        }
        #expect(sawEmergency, "Ĉ must have fallen below 0.7 with half the power not agreeing")
    }

    @Test("a validator mints exactly its T0 entitlement once the epoch closes")
    func mintT0() throws {
        let (ledger, _) = try makeLedger(epochLength: 2)
        defer {
            ledger.close()
            try? FileManager.default.removeItem(at: directory)
        }
        var lastCommit: CommitCertificate?
        var candidates: [SignedTransaction] = []
        let miner = keys[0]
        for height in UInt64(1)...3 {
            let (executed, rejected) = try ledger.propose(
                timeMilliseconds: 1_700_000_000_000 + height * 1_000, proposer: miner.publicKey,
                candidates: candidates, lastCommit: lastCommit)
            #expect(rejected.isEmpty)
            lastCommit = certificate(height: height, blockID: executed.id)
            try ledger.commit(executed, certificate: lastCommit!)
            candidates = []
            if height == 2 {
                #expect(ledger.layer2.mintT0Amount(for: miner.publicKey, epoch: 0, atHeight: 3) == nil)
                let amount = try #require(ledger.layer2.mintT0Amount(for: miner.publicKey, epoch: 1, atHeight: 3))
                #expect(amount > 0)
                #expect(ledger.layer2.mintT0Amount(for: miner.publicKey, epoch: 1, atHeight: 5) == nil)
                candidates = [
                    SignedTransaction.make(
                        chainID: Self.chainID, key: miner, nonce: 0, body: .mintT0(epoch: 1, amount: amount))
                ]
            }
        }
        let account = try #require(ledger.account(miner.publicKey))
        #expect(account.lastMintEpoch == 1)
        #expect(account.balance > 1_000)
    }

    @Test("the restored engine keeps its parameters and the stored state")
    func restore() throws {
        let engine = CoherenceLayer2Engine(parameters: .standard)
        var started = engine
        started.start(
            Layer2Genesis(
                chainID: "c", genesisTimeMilliseconds: 5,
                validators: keys.map { ValidatorPower(publicKey: $0.publicKey, power: 1) },
                stakes: [], miningEpochLength: 10, epochReward: 1, memoryProofReward: 1, minStake: 1))
        let restored = try engine.restored(from: started.canonicalState)
        #expect(restored.state == started.state)
        #expect(Hash256.of(restored.canonicalState) == started.state.root)
        #expect(throws: (any Error).self) { try engine.restored(from: [1, 2, 3]) }
    }
}

import HMNLedger
import HMNPrimitives
import Testing

@testable import HMNNode

/// An application stub for the collector: accepts vote extensions whose λ is in [0.1, 1.5].
final class ExtensionCheckingApplication: ConsensusApplication {
    func info() throws -> ApplicationInfo { fatalError("unused") }
    func checkTransaction(_ transaction: [UInt8]) -> TransactionCheck { .rejected(code: "", message: "") }
    func prepareProposal(_ request: PrepareProposalRequest) throws -> ProposedBlock { fatalError("unused") }
    func processProposal(_ request: ProcessProposalRequest) -> ProposalVerdict { .accept }
    func extendVote(height: UInt64, round: UInt32, blockID: Hash256) -> VoteExtension {
        VoteExtension(lambdaProposal: .one)
    }
    func verifyVoteExtension(_ voteExtension: VoteExtension, validator: PublicKey, height: UInt64) -> Bool {
        (FixedPoint(ratio: 1, 10)...FixedPoint(ratio: 3, 2)).contains(voteExtension.lambdaProposal)
    }
    func finalizeBlock(_ request: FinalizeBlockRequest) throws -> FinalizeBlockResponse { fatalError("unused") }
    func commit() throws {}
    func committedBlock(atHeight height: UInt64) throws -> CommittedBlock? { nil }
}

@Suite("LateCommitCollector")
struct LateCommitCollectorTests {
    let keys = (0..<4).map { SigningKey.derived(from: "late-\($0)") }
    let block = Hash256.of(Array("block".utf8))

    func precommit(_ index: Int, chainID: String = "c", blockID: Hash256? = nil, lambda: FixedPoint = .one) -> Vote {
        Vote.signed(
            chainID: chainID, height: 5, round: 1, type: .precommit, blockID: blockID ?? block,
            voteExtension: VoteExtension(lambdaProposal: lambda), key: keys[index])
    }

    @Test("only verified precommits for the same block from the height's validators are added")
    func collects() throws {
        let collector = LateCommitCollector()
        let application = ExtensionCheckingApplication()
        let decided = CommitCertificate(height: 5, round: 1, blockID: block, precommits: (0..<3).map { precommit($0) })
        let validators = keys.map { ValidatorPower(publicKey: $0.publicKey, power: 1) }
        collector.committed(decided, validators: validators)
        #expect(collector.lastCommit(replacing: decided) == decided)

        let outsider = SigningKey.derived(from: "outsider")
        let refused = [
            precommit(3, chainID: "other"),  // signed for another chain
            precommit(3, blockID: Hash256.of([1])),  // another block
            precommit(3, lambda: FixedPoint(integer: 9)),  // unacceptable vote extension
            precommit(1),  // already in the certificate
            Vote.signed(
                chainID: "c", height: 5, round: 1, type: .precommit, blockID: block,
                voteExtension: VoteExtension(lambdaProposal: .one), key: outsider),  // not a validator
        ]
        for vote in refused { #expect(!collector.offer(vote, chainID: "c", application: application)) }
        #expect(collector.offer(precommit(3), chainID: "c", application: application))

        let fuller = try #require(collector.lastCommit(replacing: decided))
        #expect(fuller.signatures.count == 4)
        try fuller.verify(chainID: "c", validators: validators)
        // A proposal for another block (e.g. after block sync) keeps the engine's certificate.
        let other = CommitCertificate(height: 6, round: 0, blockID: block, signatures: [])
        #expect(collector.lastCommit(replacing: other) == other)
    }
}

import Testing
@testable import HMNPrimitives

@Suite("Votes, commits and evidence")
struct ContractTests {
    let keys = (1...4).map { try! SigningKey(seed: [UInt8](repeating: UInt8($0), count: 32)) }
    var validators: [ValidatorPower] { keys.map { ValidatorPower(publicKey: $0.publicKey, power: 10) } }
    let block = Hash256.of([1])

    func precommit(_ key: SigningKey, chain: String = "hmn-test", block: Hash256? = nil) -> Vote {
        Vote.signed(
            chainID: chain, height: 5, round: 0, type: .precommit, blockID: block ?? self.block,
            voteExtension: VoteExtension(lambdaProposal: .one), key: key)
    }

    @Test("a commit with 3 of 4 equal validators verifies; 2 of 4 does not")
    func quorum() throws {
        let commit = CommitCertificate(height: 5, round: 0, blockID: block, precommits: keys.prefix(3).map { precommit($0) })
        try commit.verify(chainID: "hmn-test", validators: validators)
        let decoded = try CommitCertificate(canonicalBytes: commit.canonicalBytes)
        #expect(decoded == commit)
        let weak = CommitCertificate(height: 5, round: 0, blockID: block, precommits: keys.prefix(2).map { precommit($0) })
        #expect(throws: CommitVerificationError.self) { try weak.verify(chainID: "hmn-test", validators: validators) }
    }

    @Test("a vote signed for another chain id does not verify")
    func wrongChain() {
        let vote = precommit(keys[0], chain: "other-chain")
        #expect(throws: CryptoError.self) { try vote.verify(chainID: "hmn-test") }
        let commit = CommitCertificate(height: 5, round: 0, blockID: block, precommits: keys.map { precommit($0, chain: "other") })
        #expect(throws: CommitVerificationError.self) { try commit.verify(chainID: "hmn-test", validators: validators) }
    }

    @Test("evidence verifies only for two conflicting signed votes")
    func evidence() throws {
        let a = precommit(keys[0])
        let b = precommit(keys[0], block: Hash256.of([2]))
        let evidence = DuplicateVoteEvidence(a, b)
        try evidence.verify(chainID: "hmn-test")
        #expect(try DuplicateVoteEvidence(canonicalBytes: evidence.canonicalBytes) == evidence)
        #expect(DuplicateVoteEvidence(b, a) == evidence)
        #expect(throws: CryptoError.self) { try DuplicateVoteEvidence(a, a).verify(chainID: "hmn-test") }
    }
}

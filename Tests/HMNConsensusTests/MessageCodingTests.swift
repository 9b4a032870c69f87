import HMNPrimitives
import Testing

@testable import HMNConsensus

@Suite("Canonical message encoding")
struct MessageCodingTests {
    @Test("every message kind round-trips")
    func roundTrip() throws {
        let keys = EngineHarness.keys(2)
        let block = MockApplication.block("B")
        let vote = Vote.signed(
            chainID: "c", height: 3, round: 1, type: .precommit, blockID: block.id,
            voteExtension: VoteExtension(lambdaProposal: .one), key: keys[0])
        let proposal = Proposal.signed(
            chainID: "c", height: 3, round: 2, validRound: 1, block: block, timestampMilliseconds: 9, key: keys[1])
        let commit = CommitCertificate(height: 3, round: 1, blockID: block.id, precommits: [vote])
        let messages: [ConsensusMessage] = [
            .vote(vote), .proposal(proposal), .blockRequest(height: 4),
            .blockResponse(CommittedBlock(height: 3, block: block, commit: commit)),
        ]
        for message in messages {
            #expect(try ConsensusMessage.decode(message.canonicalBytes, maxBytes: 1 << 20) == message)
        }
        #expect(throws: Never.self) { try proposal.verify(chainID: "c") }
        #expect(throws: CryptoError.self) { try proposal.verify(chainID: "d") }
    }

    @Test("oversize, truncated, unknown-tag and trailing-byte messages are rejected")
    func rejects() throws {
        let bytes = ConsensusMessage.proposal(
            Proposal.signed(
                chainID: "c", height: 1, round: 0, validRound: nil,
                block: MockApplication.block(String(repeating: "x", count: 500)),
                timestampMilliseconds: 0, key: EngineHarness.keys(1)[0])
        ).canonicalBytes
        #expect(throws: CodecError.self) { _ = try ConsensusMessage.decode(bytes, maxBytes: 100) }
        #expect(throws: CodecError.self) { _ = try ConsensusMessage.decode(Array(bytes.dropLast()), maxBytes: 1 << 20) }
        #expect(throws: CodecError.self) { _ = try ConsensusMessage.decode(bytes + [0], maxBytes: 1 << 20) }
        #expect(throws: CodecError.self) { _ = try ConsensusMessage.decode([9, 0, 0], maxBytes: 1 << 20) }
        #expect(throws: CodecError.self) { _ = try WALRecord(canonicalBytes: [42]) }
    }

    @Test("random bytes never crash the decoder", arguments: 0..<UInt64(4))
    func fuzz(_ seed: UInt64) {
        var generator = SeededGenerator(seed: seed)
        for _ in 0..<500 {
            let length = Int.random(in: 0...200, using: &generator)
            var bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            if !bytes.isEmpty { bytes[0] = UInt8.random(in: 1...4, using: &generator) }
            _ = try? ConsensusMessage.decode(bytes, maxBytes: 1 << 16)
        }
    }
}

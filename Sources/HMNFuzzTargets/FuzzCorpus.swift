import HMNCoherence
import HMNConsensus
import HMNLedger
import HMNMesh
import HMNPrimitives

/// Valid encodings of each target's type, built from fixed keys: the fuzzer's starting corpus
/// (written to `Fuzz/Corpus/<target>/` by `make fuzz-corpus`) and the base of the in-process
/// mutation test. Valid seeds matter because a fuzzer that only ever sees garbage stays at the
/// first length check.
public enum FuzzCorpus {
    /// Seeds for `target`, deterministic (same bytes on every machine and run).
    public static func seeds(for target: FuzzTarget) -> [[UInt8]] {
        switch target {
        case .transaction: transactions.map(\.canonicalBytes)
        case .block: [block.canonicalBytes]
        case .vote: votes.map(\.canonicalBytes)
        case .commitCertificate: [certificate.canonicalBytes]
        case .evidence: [DuplicateVoteEvidence(votes[1], conflicting).canonicalBytes]
        case .consensusMessage:
            [ConsensusMessage.vote(votes[0]), .proposal(proposal), .blockRequest(height: 7)].map(\.canonicalBytes)
        case .walRecord:
            [WALRecord.signedVote(votes[1]), .roundStarted(height: 3, round: 1), .signedProposal(proposal)]
                .map(\.canonicalBytes)
        case .memoryRecord: records.map(\.canonicalBytes)
        case .memoryProof: [proof.canonicalBytes]
        case .coherenceState: [coherence.canonicalBytes]
        case .transportFrames: [[5, 0, 0, 0, 3, 1, 2, 3, 0, 0, 0, 0, 0, 0, 1, 0, 0xAA]]
        case .handshake: [Array(repeating: 0, count: 40) + [0xFF] + Array(repeating: 1, count: 100)]
        case .nodeMessage: nodeMessages
        case .gossipMessage: gossipMessages
        case .gossipSession: gossipSessions
        case .apiTransaction: apiTransactions
        case .apiMemory: apiMemoryRecords
        case .apiSearch: apiSearches
        }
    }

    /// Inputs one check away from valid (a bad tag, a wrong dimension, an out-of-range number…) that
    /// the target must refuse: they start the fuzzer next to each refusal path. Written to the
    /// corpus beside the seeds.
    public static func nearMisses(for target: FuzzTarget) -> [[UInt8]] {
        switch target {
        case .nodeMessage: nodeMessageNearMisses
        case .gossipMessage: gossipNearMisses
        case .apiTransaction: apiTransactionNearMisses
        case .apiMemory: apiMemoryNearMisses
        case .apiSearch: apiSearchNearMisses
        default: []
        }
    }

    static let chainID = "hmn-fuzz"
    // Fixed 32-byte seeds cannot fail.
    static let alice = try! SigningKey(seed: [UInt8](repeating: 1, count: 32))
    static let bob = try! SigningKey(seed: [UInt8](repeating: 2, count: 32))

    static var transactions: [SignedTransaction] {
        let bodies: [TransactionBody] = [
            .transfer(recipient: bob.publicKey, amount: 10), .bond(amount: 5), .unbond(amount: 1),
            .mintT0(epoch: 1, amount: 100), .memoryProof(proof),
            .shardMapProposal(
                payload: ShardMapProposal(
                    baseVersion: 0, changes: [.splitShard(3, keep: [1, 0, 0, 0], split: [0, 1, 0, 0])]
                ).canonicalBytes),
        ]
        return bodies.enumerated().map { index, body in
            SignedTransaction.make(chainID: chainID, key: alice, nonce: UInt64(index), body: body)
        }
    }

    static var blockID: Hash256 { Hash256.of(Array("block".utf8)) }

    static var votes: [Vote] {
        let extensionValue = VoteExtension(
            lambdaProposal: FixedPoint(raw: 1_000_000), shardDigests: [ShardDigest(shard: 0, digest: blockID)])
        return [
            Vote.signed(
                chainID: chainID, height: 2, round: 0, type: .prevote, blockID: blockID, voteExtension: nil,
                key: alice),
            Vote.signed(
                chainID: chainID, height: 2, round: 0, type: .precommit, blockID: blockID,
                voteExtension: extensionValue, key: alice),
            Vote.signed(
                chainID: chainID, height: 2, round: 1, type: .prevote, blockID: nil, voteExtension: nil, key: bob),
        ]
    }

    static var conflicting: Vote {
        Vote.signed(
            chainID: chainID, height: 2, round: 0, type: .precommit, blockID: Hash256.of([9]),
            voteExtension: VoteExtension(lambdaProposal: .one), key: alice)
    }

    static var certificate: CommitCertificate {
        CommitCertificate(height: 2, round: 0, blockID: blockID, precommits: [votes[1]])
    }

    static var proposal: Proposal {
        Proposal.signed(
            chainID: chainID, height: 2, round: 0, validRound: nil,
            block: ProposedBlock(id: blockID, bytes: [1, 2, 3]), timestampMilliseconds: 1_000, key: bob)
    }

    static var proof: MemoryProof {
        MemoryProof.signed(
            chainID: chainID, recordID: Hash256.of([1]), contentHash: Hash256.of([2]),
            timestampMilliseconds: 5, rphv: FixedPoint(raw: 900_000), key: alice)
    }

    static var records: [MemoryRecord] {
        [
            MemoryRecord(
                id: Hash256.of([1]), vector: [0.5, -1, 2, 0], payload: Array("note".utf8),
                author: alice.publicKey, proof: proof
            ).signed(chainID: chainID, key: alice),
            MemoryRecord(id: Hash256.of([3]), vector: [1, 0, 0, 0], author: bob.publicKey, version: 4)
                .signed(chainID: chainID, key: bob),
        ]
    }

    static var block: Block {
        let txs = transactions
        let header = BlockHeader(
            height: 3, previousHash: blockID, timeMilliseconds: 3_000, transactionsRoot: Block.transactionsRoot(txs),
            stateRoot: Hash256.of([4]), layer2Root: Hash256.of([5]), proposer: bob.publicKey,
            lambda: .one, coherence: FixedPoint(raw: 950_000), lastCommitHash: Block.lastCommitHash(certificate),
            evidenceHash: Block.evidenceHash([]), actionsHash: Block.actionsHash([]))
        return Block(header: header, transactions: txs, lastCommit: certificate, evidence: [], actions: [])
    }

    static var coherence: CoherenceState {
        // Two distinct fixed keys with the standard parameters cannot fail.
        try! CoherenceState.genesis(validators: [alice.publicKey, bob.publicKey], parameters: .standard)
    }
}

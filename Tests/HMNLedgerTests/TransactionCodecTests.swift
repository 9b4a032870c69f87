import HMNPrimitives
import Testing
@testable import HMNLedger

@Suite("Transaction and block codec")
struct TransactionCodecTests {
    static let keys = (0..<5).map { SigningKey.derived(from: "codec-\($0)") }

    static func randomHash(_ rng: inout SeededGenerator) -> Hash256 {
        Hash256.of((0..<8).map { _ in UInt8.random(in: 0...255, using: &rng) })
    }

    static func randomBody(_ rng: inout SeededGenerator, chainID: String) -> TransactionBody {
        let key = keys.randomElement(using: &rng)!
        switch Int.random(in: 0..<7, using: &rng) {
        case 0: return .transfer(recipient: key.publicKey, amount: rng.next())
        case 1: return .mintT0(epoch: rng.next(), amount: rng.next())
        case 2: return .mintT1(proofID: randomHash(&rng), amount: rng.next())
        case 3:
            return .memoryProof(
                MemoryProof.signed(
                    chainID: chainID, recordID: randomHash(&rng), contentHash: randomHash(&rng),
                    timestampMilliseconds: rng.next(),
                    rphv: FixedPoint(raw: Int64.random(in: 0...1_000_000, using: &rng)), key: key))
        case 4: return .bond(amount: rng.next())
        case 5:
            return .shardMapProposal(
                payload: (0..<Int.random(in: 0...64, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) })
        default: return .unbond(amount: rng.next())
        }
    }

    static func randomTransaction(_ rng: inout SeededGenerator) -> SignedTransaction {
        let chainID = "chain-\(rng.next() % 3)"
        return SignedTransaction.make(
            chainID: chainID, key: keys.randomElement(using: &rng)!,
            nonce: rng.next(), body: randomBody(&rng, chainID: chainID))
    }

    @Test("random transactions round-trip and keep their id and signature", arguments: [1, 2, 3] as [UInt64])
    func transactionRoundTrip(seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        for _ in 0..<200 {
            let transaction = Self.randomTransaction(&rng)
            let decoded = try SignedTransaction(canonicalBytes: transaction.canonicalBytes)
            #expect(decoded == transaction)
            #expect(decoded.id == transaction.id)
            try decoded.verifySignatures()
        }
    }

    @Test("random blocks round-trip", arguments: [7, 8] as [UInt64])
    func blockRoundTrip(seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        for _ in 0..<20 {
            let transactions = (0..<Int.random(in: 0..<20, using: &rng)).map { _ in Self.randomTransaction(&rng) }
            let key = Self.keys[0]
            let blockID = Self.randomHash(&rng)
            let votes = Self.keys.map {
                Vote.signed(
                    chainID: "c", height: 4, round: 0, type: .precommit, blockID: blockID,
                    voteExtension: VoteExtension(lambdaProposal: .one), key: $0)
            }
            let commit =
                Bool.random(using: &rng)
                ? CommitCertificate(height: 4, round: 0, blockID: blockID, precommits: votes) : nil
            let conflicting = Vote.signed(
                chainID: "c", height: 4, round: 0, type: .precommit, blockID: Self.randomHash(&rng),
                voteExtension: VoteExtension(lambdaProposal: .one), key: key)
            let header = BlockHeader(
                height: rng.next(), previousHash: Self.randomHash(&rng), timeMilliseconds: rng.next(),
                transactionsRoot: Block.transactionsRoot(transactions), stateRoot: Self.randomHash(&rng),
                layer2Root: Self.randomHash(&rng), proposer: key.publicKey, lambda: FixedPoint(raw: 700_000),
                coherence: FixedPoint(raw: 950_000), lastCommitHash: Block.lastCommitHash(commit),
                evidenceHash: .zero, actionsHash: .zero)
            let block = Block(
                header: header, transactions: transactions, lastCommit: commit,
                evidence: [DuplicateVoteEvidence(votes[0], conflicting)],
                actions: [.slash(validator: key.publicKey, amount: 5), .boost(validator: key.publicKey, amount: 2)])
            let decoded = try Block(canonicalBytes: block.canonicalBytes)
            #expect(decoded == block)
            #expect(decoded.id == block.id)
            #expect(header.canonicalBytes.count == BlockExecutor.headerBytes)
        }
    }

    @Test("truncated, extended and corrupted bytes are rejected with typed errors")
    func rejections() throws {
        var rng = SeededGenerator(seed: 11)
        let transaction = Self.randomTransaction(&rng)
        let bytes = transaction.canonicalBytes
        for cut in [1, 10, bytes.count / 2, bytes.count - 1] {
            #expect(throws: LedgerError.self) { try SignedTransaction.decode(Array(bytes.prefix(cut)), maxBytes: 4096) }
        }
        do {
            _ = try SignedTransaction.decode(bytes + [0], maxBytes: 4096)
            Issue.record("trailing byte accepted")
        } catch {
            #expect(error.code == .malformed)
        }
        do {
            _ = try SignedTransaction.decode(bytes, maxBytes: bytes.count - 1)
            Issue.record("oversize accepted")
        } catch {
            #expect(error.code == .oversize)
        }
    }

    @Test("unknown transaction tags, T4 user mints and invalid keys do not decode")
    func unknownTags() throws {
        let key = Self.keys[0]
        let unsigned = UnsignedTransaction(chainID: "c", sender: key.publicKey, nonce: 0, body: .bond(amount: 5))
        var bytes = unsigned.canonicalBytes
        let tagOffset = 4 + 1 + 32 + 8
        #expect(bytes[tagOffset] == 4)
        bytes[tagOffset] = 99
        #expect(throws: CodecError.self) { try UnsignedTransaction(canonicalBytes: bytes) }

        var mint = UnsignedTransaction(
            chainID: "c", sender: key.publicKey, nonce: 0, body: .mintT0(epoch: 1, amount: 1)
        )
        .canonicalBytes
        mint[tagOffset + 1] = MintTier.t4.rawValue
        #expect(throws: CodecError.self) { try UnsignedTransaction(canonicalBytes: mint) }

        // A small-order point (the identity) is refused as a sender key: wrong key, not a forgery.
        var identity = unsigned.canonicalBytes
        identity.replaceSubrange(5..<37, with: [1] + [UInt8](repeating: 0, count: 31))
        #expect(throws: CodecError.self) { try UnsignedTransaction(canonicalBytes: identity) }
        #expect(throws: CryptoError.self) { try PublicKey(bytes: [UInt8](repeating: 7, count: 31)) }
    }

    @Test("a length prefix above its limit is refused before anything is read")
    func oversizeLengths() throws {
        let key = Self.keys[0]
        var long = UnsignedTransaction(
            chainID: String(repeating: "c", count: 65), sender: key.publicKey, nonce: 0, body: .bond(amount: 1))
        do {
            _ = try UnsignedTransaction(canonicalBytes: long.canonicalBytes)
            Issue.record("a 65-byte chain id decoded")
        } catch {
            #expect(error.code == .oversizeLength)
        }
        long.chainID = "c"
        var bytes = long.canonicalBytes
        bytes.replaceSubrange(0..<4, with: [0xFF, 0xFF, 0xFF, 0xFF])  // a 4 GiB chain id
        do {
            _ = try UnsignedTransaction(canonicalBytes: bytes)
            Issue.record("a 4 GiB length decoded")
        } catch {
            #expect(error.code == .oversizeLength)
        }
    }

    @Test("the id covers chain, sender and nonce; the signature covers the id's bytes")
    func idsAreUnique() throws {
        let key = Self.keys[1]
        let a = SignedTransaction.make(chainID: "c", key: key, nonce: 0, body: .bond(amount: 1))
        let b = SignedTransaction.make(chainID: "c", key: key, nonce: 1, body: .bond(amount: 1))
        let c = SignedTransaction.make(chainID: "d", key: key, nonce: 0, body: .bond(amount: 1))
        #expect(Set([a.id, b.id, c.id]).count == 3)
        var forged = a
        forged.transaction.nonce = 1
        #expect(throws: LedgerError.self) { try forged.verifySignatures() }
        // The stored id follows the content it hashes: made, decoded or changed afterwards.
        #expect(forged.id == forged.transaction.id && forged.id == b.id)
        #expect(a.id == Hash256.of(a.transaction.canonicalBytes))
        #expect(try SignedTransaction(canonicalBytes: a.canonicalBytes).id == a.id)
    }
}

import HMNPrimitives
import Testing
@testable import HMNLedger

@Suite("Block application properties (seeded)")
struct BlockPropertyTests {
    /// A random transaction from a random user: often valid, often not (wrong nonce, chain,
    /// signature, amount, unknown proof), across every user-submittable kind.
    static func randomTransaction(
        _ chain: TestChain, _ rng: inout SeededGenerator,
        nextNonce: inout [PublicKey: UInt64]
    ) -> SignedTransaction {
        let keys = chain.userKeys + chain.validatorKeys
        let key = keys.randomElement(using: &rng)!
        let committed = chain.ledger.account(key.publicKey)?.nonce ?? 0
        var nonce = nextNonce[key.publicKey] ?? committed
        let balance = chain.ledger.account(key.publicKey)?.balance ?? 0
        let body: TransactionBody
        switch Int.random(in: 0..<10, using: &rng) {
        case 0..<5:
            let amount =
                Bool.random(using: &rng)
                ? UInt64.random(in: 0...max(1, balance / 4), using: &rng)
                : UInt64.random(in: 0...balance &+ 10, using: &rng)
            body = .transfer(recipient: keys.randomElement(using: &rng)!.publicKey, amount: amount)
        case 5: body = .bond(amount: UInt64.random(in: 0...2_000, using: &rng))
        case 6: body = .unbond(amount: UInt64.random(in: 0...2_000, using: &rng))
        case 7:
            let proof = MemoryProof.signed(
                chainID: TestChain.chainID, recordID: Hash256.of([UInt8.random(in: 0...20, using: &rng)]),
                contentHash: Hash256.of([1]), timestampMilliseconds: rng.next() >> 20,
                rphv: FixedPoint(raw: Int64.random(in: 0...1_100_000, using: &rng)), key: key)
            body = .memoryProof(proof)
        case 8:
            let id = chain.ledger.state.memoryProofs.keys.sorted().randomElement(using: &rng) ?? Hash256.of([0])
            body = .mintT1(proofID: id, amount: Bool.random(using: &rng) ? 1_000 : 999)
        default:
            let epoch = chain.ledger.height / chain.ledger.parameters.miningEpochLength
            let amount = chain.ledger.layer2.mintT0Amount(
                for: key.publicKey, epoch: epoch, atHeight: chain.ledger.height + 1)
            body = .mintT0(epoch: epoch, amount: amount ?? 7)
        }
        switch Int.random(in: 0..<12, using: &rng) {
        case 0: nonce = nonce &+ 1  // skipped
        case 1: nonce = committed &- 1  // replayed (or wraps to a huge skip at 0)
        default: break
        }
        var transaction = SignedTransaction.make(
            chainID: Int.random(in: 0..<20, using: &rng) == 0 ? "elsewhere" : TestChain.chainID,
            key: key, nonce: nonce, body: body)
        if Int.random(in: 0..<20, using: &rng) == 0 {
            var bytes = transaction.signature.bytes
            bytes[Int.random(in: 0..<64, using: &rng)] ^= 0x10
            transaction.signature = try! Signature(bytes: bytes)
        }
        if nonce == (nextNonce[key.publicKey] ?? committed) { nextNonce[key.publicKey] = nonce + 1 }
        return transaction
    }

    @Test(
        "random valid and invalid streams: supply changes only by mints and slashes; a bad tx rejects its block",
        arguments: [101, 202, 303] as [UInt64])
    func conservation(seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        let chain = try TestChain(parameters: LedgerParameters(miningEpochLength: 3))
        var supply = chain.ledger.state.totalSupply
        var included = 0
        var minted: UInt64 = 0
        for _ in 0..<14 {
            var nextNonce: [PublicKey: UInt64] = [:]
            let candidates = (0..<30).map { _ in Self.randomTransaction(chain, &rng, nextNonce: &nextNonce) }
            let (proposal, rejected) = try chain.propose(candidates)
            #expect(proposal.block.transactions.count + rejected.count == candidates.count)

            // Any rejected transaction, spliced into the valid block, makes the whole block invalid.
            if let bad = rejected.randomElement(using: &rng) {
                var block = proposal.block
                block.transactions.insert(
                    bad.transaction, at: Int.random(in: 0...block.transactions.count, using: &rng))
                let before = chain.ledger.state.stateRoot
                #expect(throws: LedgerError.self) { try chain.ledger.execute(TestChain.resealed(block)) }
                #expect(chain.ledger.state.stateRoot == before)
            }

            let nonces = Dictionary(
                chain.ledger.state.accounts.map { ($0.key, $0.value.nonce) }, uniquingKeysWith: { $1 })
            let executed = try chain.ledger.execute(blockBytes: proposal.bytes)
            try chain.ledger.commit(executed, certificate: chain.certificate(for: executed))
            chain.lastCertificate = try chain.certificate(for: executed)
            included += executed.block.transactions.count
            minted += executed.supply.minted

            let after = chain.ledger.state.totalSupply
            #expect(after == supply + UInt128(executed.supply.minted) - UInt128(executed.supply.burned))
            supply = after
            #expect(executed.results.allSatisfy { $0.code == 0 })
            // Nonces advance by exactly the number of each sender's included transactions.
            var sent: [PublicKey: UInt64] = [:]
            for transaction in executed.block.transactions { sent[transaction.sender, default: 0] += 1 }
            for (key, count) in sent { #expect(chain.ledger.account(key)!.nonce == (nonces[key] ?? 0) + count) }
        }
        #expect(included > 50)
        #expect(minted > 0)
        try chain.reopen()
        #expect(chain.ledger.state.totalSupply == supply)
        #expect(try chain.ledger.verifyChain() == 14)
    }
}

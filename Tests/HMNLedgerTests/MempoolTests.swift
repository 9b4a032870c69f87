import HMNPrimitives
import Testing
@testable import HMNLedger

@Suite("Mempool admission and eviction")
struct MempoolTests {
    func expectRejected(
        _ mempool: inout Mempool, _ transaction: SignedTransaction, _ ledger: Ledger,
        _ code: LedgerError.Code, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let count = mempool.count
        do {
            try mempool.add(transaction, ledger: ledger)
            Issue.record("admitted, expected \(code)", sourceLocation: sourceLocation)
        } catch {
            #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
        }
        #expect(mempool.count == count, sourceLocation: sourceLocation)
    }

    @Test("admission rejects what can never apply, counting the sender's pending transactions")
    func admission() throws {
        let chain = try TestChain()
        let ledger = chain.ledger
        var mempool = Mempool(capacity: 5)
        let first = chain.transfer(0, 1, 600_000)
        try mempool.add(first, ledger: ledger)
        expectRejected(&mempool, first, ledger, .duplicateTransaction)
        expectRejected(&mempool, chain.transfer(0, 1, 500_000, nonce: 1), ledger, .insufficientBalance)
        expectRejected(&mempool, chain.transfer(0, 1, 5, nonce: 0), ledger, .replayedNonce)
        expectRejected(&mempool, chain.transfer(0, 1, 5, nonce: 2), ledger, .skippedNonce)
        try mempool.add(chain.transfer(0, 1, 400_000, nonce: 1), ledger: ledger)

        var forged = chain.transfer(1, 0, 5)
        forged.transaction.body = .transfer(recipient: chain.userKeys[2].publicKey, amount: 5)
        expectRejected(&mempool, forged, ledger, .badSignature)
        let other = SignedTransaction.make(
            chainID: "other", key: chain.userKeys[1], nonce: 0,
            body: .transfer(recipient: chain.userKeys[0].publicKey, amount: 1))
        expectRejected(&mempool, other, ledger, .wrongChain)
        let stranger = SigningKey.derived(from: "mempool-stranger")
        let unknown = SignedTransaction.make(
            chainID: TestChain.chainID, key: stranger, nonce: 0,
            body: .transfer(recipient: chain.userKeys[0].publicKey, amount: 1))
        expectRejected(&mempool, unknown, ledger, .unknownSender)
        do {
            try mempool.add([1, 2, 3], ledger: ledger)
            Issue.record("garbage admitted")
        } catch {
            #expect(error.code == .malformed)
        }
        for user in 1...3 { try mempool.add(chain.transfer(user, 0, 1), ledger: ledger) }
        expectRejected(&mempool, chain.transfer(4, 0, 1), ledger, .mempoolFull)
        // A full mempool refuses bytes before decoding them: under overload, refusals cost nothing.
        do {
            try mempool.add([1, 2, 3], ledger: ledger)
            Issue.record("garbage admitted")
        } catch {
            #expect(error.code == .mempoolFull)
        }
        #expect(mempool.transactions.map(\.id).first == first.id)
    }

    @Test(
        "a committed block evicts what it included and what it made stale, with later nonces",
        arguments: [false, true])
    func eviction(onlyChangedAccounts: Bool) throws {
        let chain = try TestChain()
        var mempool = Mempool(capacity: 100)
        let included = chain.transfer(0, 1, 10)
        let pendingAfter = chain.transfer(0, 1, 10, nonce: 1)
        try mempool.add(included, ledger: chain.ledger)
        try mempool.add(pendingAfter, ledger: chain.ledger)
        // User 2 has two pending; a block includes a *different* nonce-0 transaction of user 2.
        let doomed = chain.transfer(2, 3, 10)
        let doomedNext = chain.transfer(2, 3, 10, nonce: 1)
        try mempool.add(doomed, ledger: chain.ledger)
        try mempool.add(doomedNext, ledger: chain.ledger)
        let keeper = chain.transfer(4, 5, 10)
        try mempool.add(keeper, ledger: chain.ledger)

        let replacement = chain.transfer(2, 3, 999_995)
        let block = try chain.commitBlock([included, replacement])
        // Replaying only the senders the block touched must evict exactly what a full replay does.
        mempool.update(after: chain.ledger, changedAccounts: onlyChangedAccounts ? block.state.changedAccounts : nil)
        #expect(!mempool.contains(included.id))
        #expect(!mempool.contains(doomed.id))
        #expect(!mempool.contains(doomedNext.id))  // nonce 1 is next, but user 2 can no longer afford it
        #expect(mempool.contains(pendingAfter.id))
        #expect(mempool.contains(keeper.id))
        #expect(mempool.count == 2)
    }

    @Test("with the changed accounts given, pending transfers of untouched senders and to changed recipients stay")
    func replayOnlyTouchedSenders() throws {
        let chain = try TestChain()
        var mempool = Mempool(capacity: 100)
        let untouched = chain.transfer(4, 5, 10)
        let toChanged = chain.transfer(3, 1, 10)
        try mempool.add(untouched, ledger: chain.ledger)
        try mempool.add(toChanged, ledger: chain.ledger)
        let block = try chain.commitBlock([chain.transfer(0, 1, 10)])
        #expect(block.state.changedAccounts.contains(chain.userKeys[1].publicKey))
        #expect(!block.state.changedAccounts.contains(chain.userKeys[4].publicKey))
        mempool.update(after: chain.ledger, changedAccounts: block.state.changedAccounts)
        #expect(mempool.contains(untouched.id) && mempool.contains(toChanged.id))
    }

    @Test("admission applies each new transaction to the sender's projection, refreshed after a commit")
    func projectionAcrossCommits() throws {
        let chain = try TestChain()
        var mempool = Mempool(capacity: 100)
        let spend = chain.transfer(0, 1, 900_000)
        try mempool.add(spend, ledger: chain.ledger)
        // The projection says 100,000 left: a second spend of 500,000 cannot be afforded yet.
        expectRejected(&mempool, chain.transfer(0, 1, 500_000, nonce: 1), chain.ledger, .insufficientBalance)
        // A block pays user 0 500,000 (its pending spend stays pending): 600,000 left after it.
        let block = try chain.commitBlock([chain.transfer(2, 0, 500_000)])
        mempool.update(after: chain.ledger, changedAccounts: block.state.changedAccounts)
        #expect(mempool.contains(spend.id))
        try mempool.add(chain.transfer(0, 1, 500_000, nonce: 1), ledger: chain.ledger)
        expectRejected(&mempool, chain.transfer(0, 1, 200_000, nonce: 2), chain.ledger, .insufficientBalance)
        #expect(mempool.count == 2)
    }

    @Test(
        "projections kept across commits admit exactly what rebuilt ones do (seeded property)", arguments: [3, 17, 29])
    func keptProjectionsMatchRebuilt(seed: UInt64) throws {
        var generator = SeededGenerator(seed: seed)
        let chain = try TestChain(users: 5, userBalance: 1_000)
        var kept = Mempool(capacity: 1_000)  // updated with the block's changed accounts
        var rebuilt = Mempool(capacity: 1_000)  // every projection rebuilt after each commit
        for _ in 0..<8 {
            for _ in 0..<12 {
                let from = Int.random(in: 0..<5, using: &generator)
                let to = Int.random(in: 0..<5, using: &generator)
                let committed = chain.ledger.account(chain.userKeys[from].publicKey)?.nonce ?? 0
                let pending = UInt64(kept.transactions.filter { $0.sender == chain.userKeys[from].publicKey }.count)
                // Mostly the next nonce, sometimes a stale or skipped one; amounts that sometimes
                // overdraw once earlier pending transfers are counted.
                let nonce = committed + pending + UInt64.random(in: 0...8, using: &generator) / 7
                let amount = UInt64.random(in: 1...400, using: &generator)
                let transfer = chain.transfer(from, to, amount, nonce: nonce)
                let a = Result { () throws(LedgerError) in try kept.add(transfer, ledger: chain.ledger) }
                let b = Result { () throws(LedgerError) in try rebuilt.add(transfer, ledger: chain.ledger) }
                #expect((try? a.get()) != nil ? (try? b.get()) != nil : (try? b.get()) == nil)
                if case .failure(let x) = a, case .failure(let y) = b { #expect(x.code == y.code) }
            }
            #expect(kept.transactions.map(\.id) == rebuilt.transactions.map(\.id))
            // A block with a prefix of what is pending, plus sometimes a transfer nobody saw.
            var candidates = Array(kept.transactions.prefix(Int.random(in: 0...kept.count, using: &generator)))
            if Bool.random(using: &generator) {
                let outsider = Int.random(in: 0..<5, using: &generator)
                let key = chain.userKeys[outsider].publicKey
                let next =
                    (chain.ledger.account(key)?.nonce ?? 0)
                    + UInt64(candidates.filter { $0.sender == key }.count)
                candidates.append(chain.transfer(outsider, (outsider + 1) % 5, 300, nonce: next))
            }
            let block = try chain.commitBlock(candidates)
            kept.update(after: chain.ledger, changedAccounts: block.state.changedAccounts)
            rebuilt.update(after: chain.ledger)
            #expect(kept.transactions.map(\.id) == rebuilt.transactions.map(\.id))
        }
    }
}

import Foundation
import HMNPrimitives
import HMNStorage
import Testing
@testable import HMNLedger

@Suite("Ledger storage, queries and tamper detection")
struct StorageTests {
    @Test("reopening restores the tip and state; queries return verified blocks and provable transactions")
    func reopenAndQuery() throws {
        let chain = try TestChain()
        var ids: [Hash256] = []
        var committed: [ExecutedBlock] = []
        for round in 0..<4 {
            let transfers = [
                chain.transfer(0, 1, 10 + UInt64(round)), chain.transfer(2, 3, 5), chain.transfer(4, 5, 1),
            ]
            ids += transfers.map(\.id)
            committed.append(try chain.commitBlock(transfers))
        }
        let tip = chain.ledger.tip
        let root = chain.ledger.state.stateRoot
        try chain.reopen()
        #expect(chain.ledger.tip == tip)
        #expect(chain.ledger.state.stateRoot == root)
        #expect(try chain.ledger.verifyChain() == 4)

        let third = try #require(try chain.ledger.block(atHeight: 3))
        #expect(third.id == committed[2].id)
        #expect(third.bytes == committed[2].bytes)
        #expect(try chain.ledger.block(withID: committed[1].id)?.height == 2)
        #expect(try chain.ledger.block(atHeight: 5) == nil)
        #expect(try chain.ledger.blocks(in: 2...10).map(\.height) == [2, 3, 4])

        for id in ids {
            let record = try #require(try chain.ledger.transaction(withID: id))
            #expect(record.transaction.id == id)
            #expect(record.result.code == 0)
            // The proof is checked with nothing but the record and the block header's root.
            let header = try #require(try chain.ledger.block(atHeight: record.height)).block.header
            #expect(record.transactionsRoot == header.transactionsRoot)
            #expect(record.proof.verify(leaf: record.transaction.canonicalBytes, root: header.transactionsRoot))
        }
        #expect(try chain.ledger.transaction(withID: Hash256.of([7])) == nil)
        // A block's records in one read: the same records as one query each, selected, in block order.
        for height in UInt64(1)...4 {
            let inBlock = Array(ids[Int(height - 1) * 3..<Int(height) * 3])
            let all = try chain.ledger.transactionRecords(atHeight: height) { _ in true }
            #expect(all == (try inBlock.map { try #require(try chain.ledger.transaction(withID: $0)) }))
            let picked = try chain.ledger.transactionRecords(atHeight: height) { $0 == inBlock[2] || $0 == inBlock[0] }
            #expect(picked.map(\.transaction.id) == [inBlock[0], inBlock[2]])
            #expect(try chain.ledger.transactionRecords(atHeight: height) { _ in false }.isEmpty)
        }
        #expect(try chain.ledger.transactionRecords(atHeight: 5) { _ in true }.isEmpty)
        #expect(try chain.ledger.transactionRecords(atHeight: 0) { _ in true }.isEmpty)

        let key = chain.userKeys[1].publicKey
        let (account, proof) = try #require(chain.ledger.accountProof(key))
        #expect(proof.verify(leaf: key.bytes + account.canonicalBytes, root: chain.ledger.state.accountsRoot))

        // The chain continues after reopening.
        try chain.commitBlock([chain.transfer(0, 1, 1)])
        #expect(chain.ledger.height == 5)
    }

    @Test("a file from another genesis, or no chain at all, is refused")
    func genesisMismatch() throws {
        let chain = try TestChain()
        try chain.commitBlock()
        chain.ledger.close()
        var other = chain.genesis
        other.chainID = "another-chain"
        #expect(throws: LedgerError.self) { try Ledger(path: chain.path, genesis: other, logger: TestChain.quiet) }
        let empty = chain.directory.appendingPathComponent("empty.sqlite").path
        do {
            _ = try Ledger.open(path: empty, logger: TestChain.quiet)
            Issue.record("opened a file without a chain")
        } catch {
            #expect(error.code == .invalidGenesis)
        }
        chain.ledger = try Ledger(path: chain.path, genesis: chain.genesis, logger: TestChain.quiet)
        #expect(chain.ledger.height == 1)
    }

    /// Runs `sql` against the ledger file through a second connection (the ledger is closed).
    func tamper(_ path: String, _ body: (SQLiteDatabase) throws -> Void) throws {
        let database = try SQLiteDatabase(path: path)
        try body(database)
        database.close()
    }

    func flipByte(_ database: SQLiteDatabase, column: String, height: Int64, at position: Int) throws -> Int {
        let read = try database.statement("SELECT \(column) FROM blocks WHERE height = ?").bind(.integer(height))
        _ = try read.step()
        var bytes = read.blob(0)
        let index = position % bytes.count
        bytes[index] ^= 0x40
        try database.statement("UPDATE blocks SET \(column) = ? WHERE height = ?").bind(.blob(bytes), .integer(height))
            .run()
        return index
    }

    @Test("a flipped byte anywhere in a stored block or its certificate is reported as corruption")
    func tamperedBlock() throws {
        let chain = try TestChain()
        for _ in 0..<3 { try chain.commitBlock([chain.transfer(0, 1, 3), chain.transfer(1, 2, 2)]) }
        let original = try #require(try chain.ledger.block(atHeight: 2))
        let transactionID = original.block.transactions[0].id
        chain.ledger.close()
        var rng = SeededGenerator(seed: 2026)
        for _ in 0..<12 {
            let column = Bool.random(using: &rng) ? "block" : "commit_certificate"
            try tamper(chain.path) {
                _ = try flipByte($0, column: column, height: 2, at: Int.random(in: 0..<100_000, using: &rng))
            }
            let ledger = try Ledger.open(path: chain.path, logger: TestChain.quiet)
            for query in [
                { _ = try ledger.block(atHeight: 2) },
                { _ = try ledger.block(withID: original.id) },
                { _ = try ledger.blocks(in: 1...3) },
                { try ledger.verifyChain() },
                { _ = try ledger.transaction(withID: transactionID) },
            ] as [() throws -> Void] {
                do {
                    try query()
                    Issue.record("a tampered \(column) row was served")
                } catch {
                    #expect((error as? LedgerError)?.code == .corrupt, "\(error)")
                }
            }
            #expect(try ledger.block(atHeight: 1) != nil)
            ledger.close()
            try tamper(chain.path) {
                try $0.statement("UPDATE blocks SET block = ?, commit_certificate = ? WHERE height = 2")
                    .bind(.blob(original.bytes), .blob(original.certificate.canonicalBytes)).run()
            }
        }
        chain.ledger = try Ledger.open(path: chain.path, logger: TestChain.quiet)
        #expect(try chain.ledger.verifyChain() == 3)
    }

    @Test("a tampered account row or last block makes reopening fail with corruption")
    func tamperedState() throws {
        let chain = try TestChain()
        try chain.commitBlock([chain.transfer(0, 1, 3)])
        chain.ledger.close()
        let key = chain.userKeys[0].publicKey
        try tamper(chain.path) {
            var account = Account(balance: 999_999_999)
            account.nonce = 1
            try $0.statement("UPDATE accounts SET account = ? WHERE public_key = ?")
                .bind(.blob(account.canonicalBytes), .blob(key.bytes)).run()
        }
        do {
            _ = try Ledger.open(path: chain.path, logger: TestChain.quiet)
            Issue.record("opened a ledger whose state does not match its last header")
        } catch {
            #expect(error.code == .corrupt)
        }
        try tamper(chain.path) {
            try $0.statement("UPDATE accounts SET account = ? WHERE public_key = ?")
                .bind(.blob(Account(balance: 1_000_000 - 3, nonce: 1).canonicalBytes), .blob(key.bytes)).run()
            _ = try flipByte($0, column: "block", height: 1, at: 40)
        }
        #expect(throws: LedgerError.self) { try Ledger.open(path: chain.path, logger: TestChain.quiet) }
    }
}

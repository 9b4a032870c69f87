import HMNPrimitives
import Testing

@testable import HMNLedger

/// Every ledger read finishes its SQLite statement: a statement left on a row holds a read
/// transaction, and in WAL mode the log then grows with every block for as long as the node runs
/// (before the fix a campaign node's `ledger.sqlite` stayed at 4 KiB while its `-wal` grew).
@Suite("Ledger reads leave no statement open")
struct ReadTransactionTests {
    @Test("after commits, reopen, queries, sync checks and storage checks, no statement is busy")
    func noBusyStatements() throws {
        let chain = try TestChain()
        var ids: [Hash256] = []
        for round in 0..<3 {
            let transfer = chain.transfer(0, 1, 10 + UInt64(round))
            ids.append(transfer.id)
            try chain.commitBlock([transfer])
            #expect(chain.ledger.store.database.busyStatementCount == 0, "after committing block \(round + 1)")
        }
        try chain.reopen()
        #expect(chain.ledger.store.database.busyStatementCount == 0, "after reopening")
        _ = try chain.ledger.block(atHeight: 2)
        _ = try chain.ledger.block(atHeight: 9)
        _ = try chain.ledger.block(withID: Hash256.of([1]))
        _ = try chain.ledger.blocks(in: 1...3)
        for id in ids + [Hash256.of([2])] { _ = try chain.ledger.transaction(withID: id) }
        _ = try chain.ledger.transactionRecords(atHeight: 2) { _ in true }
        _ = try chain.ledger.validators(atHeight: 2)
        _ = try chain.ledger.verifyChain()
        _ = try chain.ledger.checkStorage()
        _ = try chain.ledger.checkStorage(integrityCheck: true)
        #expect(try chain.ledger.store.lastHeight == 3)
        #expect(chain.ledger.store.database.busyStatementCount == 0, "after every query")
        // The ledger's connection keeps a page cache larger than SQLite's default (see LedgerStore).
        #expect(try chain.ledger.store.database.cacheSizeKibibytes() == LedgerStore.cacheKibibytes)
    }
}

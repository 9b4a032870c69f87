import Foundation
import HMNPrimitives
import HMNStorage
import Testing

@testable import HMNLedger

/// The transaction index (schema version 4): rows in commit order, found by id through an index
/// of the id's first 8 bytes; and the migration of a ledger whose index was keyed by the whole id.
@Suite("Transaction index")
struct TransactionIndexTests {
    func chain(blocks: Int = 4) throws -> TestChain { try TestChain.withTransferBlocks(blocks) }

    /// Every committed transaction, by id, with where it was committed.
    func committed(_ ledger: Ledger) throws -> [(id: Hash256, height: UInt64, position: Int)] {
        try (1...ledger.height).flatMap { height in
            try #require(try ledger.block(atHeight: height)).block.transactions.enumerated().map {
                (id: $0.element.id, height: height, position: $0.offset)
            }
        }
    }

    @Test("a lookup by id searches the prefix index, never scans the table")
    func lookupUsesTheIndex() throws {
        let chain = try chain()
        let database = try SQLiteDatabase(path: chain.path)
        defer { database.close() }
        let plan = try database.statement(
            "EXPLAIN QUERY PLAN SELECT height FROM transactions WHERE \(LedgerStore.transactionIndexByID)"
        ).bind(.blob(Hash256.of([1]).bytes))
        var steps: [String] = []
        while try plan.step() { steps.append(plan.text(3) ?? "") }
        #expect(steps.contains { $0.contains("USING INDEX transactions_by_id") }, "\(steps)")
        #expect(!steps.contains { $0.hasPrefix("SCAN") }, "\(steps)")
    }

    @Test("rows are stored in commit order, and every committed transaction is found by its id")
    func commitOrderAndLookups() throws {
        let chain = try chain()
        let expected = try committed(chain.ledger)
        #expect(expected.count == 8)
        for transaction in expected {
            let record = try #require(try chain.ledger.transaction(withID: transaction.id))
            #expect(record.height == transaction.height && record.transaction.id == transaction.id)
        }
        #expect(try chain.ledger.transaction(withID: Hash256.of([7, 7])) == nil)
        let database = try SQLiteDatabase(path: chain.path)
        defer { database.close() }
        let rows = try database.statement("SELECT height, position FROM transactions ORDER BY rowid")
        var stored: [[Int64]] = []
        while try rows.step() { stored.append([rows.int64(0), rows.int64(1)]) }
        #expect(stored == expected.map { [Int64($0.height), Int64($0.position)] })
    }

    @Test("a ledger with the index keyed by the whole id (schema 3) is migrated at open, rows and checksums kept")
    func migratesSchemaThree() throws {
        let chain = try chain()
        let expected = try committed(chain.ledger)
        chain.ledger.close()
        // Put the file back in the layout of schema version 3.
        let database = try SQLiteDatabase(path: chain.path)
        try database.execute(
            """
            CREATE TABLE transactions_v3 (
                id BLOB PRIMARY KEY, height INTEGER NOT NULL, position INTEGER NOT NULL, result BLOB NOT NULL,
                checksum BLOB
            ) WITHOUT ROWID;
            INSERT INTO transactions_v3 SELECT id, height, position, result, checksum FROM transactions;
            DROP TABLE transactions;
            ALTER TABLE transactions_v3 RENAME TO transactions;
            PRAGMA user_version = 3;
            """)
        database.close()

        chain.ledger = try Ledger.open(path: chain.path, logger: TestChain.quiet)
        #expect(try chain.ledger.checkStorage() == 4)
        for transaction in expected {
            #expect(try chain.ledger.transaction(withID: transaction.id)?.height == transaction.height)
        }
        let check = try SQLiteDatabase(path: chain.path)
        defer { check.close() }
        #expect(try check.userVersion == Int64(LedgerStore.migrations.count))
        let index = try check.statement(
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = 'transactions_by_id'"
        ).row { $0.int64(0) }
        #expect(index == 1)
        // The migrated chain goes on committing.
        try chain.commitBlock([chain.transfer(0, 2, 1)])
        #expect(try chain.ledger.checkStorage() == 5)
    }
}

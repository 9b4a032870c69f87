import HMNPrimitives
import HMNStorage
import Testing

@testable import HMNLedger

/// ``LedgerRowChecksum``: damage in rows that no block hash covers (a transaction's stored result,
/// an old validator set) is found by the standard storage check and refused on read.
@Suite("Ledger row checksums")
struct RowChecksumTests {
    func chain(blocks: Int = 3) throws -> TestChain { try TestChain.withTransferBlocks(blocks) }

    /// Runs `sql` with `bind` on the closed ledger file, then reopens it.
    func tamper(_ chain: TestChain, _ sql: String, _ values: [SQLiteValue]) throws {
        chain.ledger.close()
        let database = try SQLiteDatabase(path: chain.path)
        try database.statement(sql).bind(values).run()
        database.close()
        chain.ledger = try Ledger.open(path: chain.path, logger: TestChain.quiet)
    }

    func expectCorrupt(_ what: String, _ body: () throws -> Void) { TestChain.expectCorrupt(what, body) }

    @Test("a flipped byte in a stored transaction result that still decodes is found and never served")
    func damagedResult() throws {
        let chain = try chain()
        let id = try #require(try chain.ledger.block(atHeight: 2)).block.transactions[0].id
        let stored = try #require(try chain.ledger.store.transactionLocation(id)).2
        var flipped = stored
        flipped[flipped.count - 1] ^= 0x01  // a character of the log: still a valid result
        _ = try TransactionResult(canonicalBytes: flipped)
        try tamper(chain, "UPDATE transactions SET result = ? WHERE id = ?", [.blob(flipped), .blob(id.bytes)])
        expectCorrupt("a damaged result") { try chain.ledger.checkStorage() }
        expectCorrupt("serving a damaged result") { _ = try chain.ledger.transaction(withID: id) }

        try tamper(chain, "UPDATE transactions SET result = ? WHERE id = ?", [.blob(stored), .blob(id.bytes)])
        #expect(try chain.ledger.checkStorage() == 3)
    }

    @Test("a flipped byte in an old validator-set row is found without verifying signatures")
    func damagedValidatorSet() throws {
        let chain = try chain()
        chain.ledger.close()
        let database = try SQLiteDatabase(path: chain.path)
        let original = try #require(
            try database.statement("SELECT validators FROM validator_sets WHERE height = 1").row { $0.blob(0) })
        database.close()
        chain.ledger = try Ledger.open(path: chain.path, logger: TestChain.quiet)
        var flipped = original
        flipped[flipped.count - 1] ^= 0x02  // the last validator's power: still decodes
        try tamper(chain, "UPDATE validator_sets SET validators = ? WHERE height = 1", [.blob(flipped)])
        expectCorrupt("a damaged validator set") { try chain.ledger.checkStorage() }
        expectCorrupt("reading a damaged validator set") { _ = try chain.ledger.validators(atHeight: 1) }

        try tamper(chain, "UPDATE validator_sets SET validators = ? WHERE height = 1", [.blob(original)])
        #expect(try chain.ledger.checkStorage() == 3)
    }

    @Test("a ledger written before row checksums gets them once at open, and damage after that is found")
    func backfill() throws {
        let chain = try chain()
        chain.ledger.close()
        let database = try SQLiteDatabase(path: chain.path)
        try database.execute("UPDATE transactions SET checksum = NULL")
        try database.execute("UPDATE validator_sets SET checksum = NULL")
        try database.statement("DELETE FROM meta WHERE key = ?").bind(.text(LedgerStore.checksumsComplete)).run()
        database.close()

        chain.ledger = try Ledger.open(path: chain.path, logger: TestChain.quiet)
        #expect(try chain.ledger.checkStorage() == 3)
        let check = try SQLiteDatabase(path: chain.path)
        let missing = try check.statement(
            "SELECT (SELECT COUNT(*) FROM transactions WHERE checksum IS NULL)"
                + " + (SELECT COUNT(*) FROM validator_sets WHERE checksum IS NULL)"
        ).row { $0.int64(0) }
        check.close()
        #expect(missing == 0)

        try tamper(chain, "UPDATE validator_sets SET validators = X'00' WHERE height = 2", [])
        expectCorrupt("damage after the backfill") { try chain.ledger.checkStorage() }
    }
}

import Foundation
import HMNPrimitives
import HMNStorage
import Testing

@testable import HMNLedger

/// ``Ledger/checkStorage(verifyingSignatures:)``: the whole-file check a node runs when it opens.
@Suite("Ledger storage check")
struct StorageCheckTests {
    func chain(blocks: Int = 3) throws -> TestChain { try TestChain.withTransferBlocks(blocks) }

    @Test("an intact ledger passes, with and without signatures")
    func intact() throws {
        let chain = try chain()
        #expect(try chain.ledger.checkStorage() == 3)
        #expect(try chain.ledger.checkStorage(verifyingSignatures: true) == 3)
    }

    @Test("a damaged transaction index row (id, position) is found by the check, not only on lookup")
    func damagedIndex() throws {
        let chain = try chain()
        let victim = try #require(try chain.ledger.block(atHeight: 2)).block.transactions[1].id
        chain.ledger.close()
        for sql in [
            "UPDATE transactions SET id = ? WHERE id = ?",
            "UPDATE transactions SET position = 0, id = id WHERE id = ? OR id = ?",
        ] {
            let database = try SQLiteDatabase(path: chain.path)
            var flipped = victim.bytes
            flipped[7] ^= 0x04
            let statement = try database.statement(sql)
            try statement.bind(.blob(flipped), .blob(victim.bytes)).run()
            database.close()
            let ledger = try Ledger.open(path: chain.path, logger: TestChain.quiet)
            do {
                try ledger.checkStorage()
                Issue.record("damaged index passed: \(sql)")
            } catch {
                #expect(error.code == .corrupt)
                #expect(error.message.contains("transaction index of block 2"))
            }
            ledger.close()
            let repair = try SQLiteDatabase(path: chain.path)
            try repair.statement("UPDATE transactions SET id = ?, position = 1 WHERE height = 2 AND (id = ? OR id = ?)")
                .bind(.blob(victim.bytes), .blob(flipped), .blob(victim.bytes)).run()
            repair.close()
        }
        chain.ledger = try Ledger.open(path: chain.path, logger: TestChain.quiet)
        #expect(try chain.ledger.checkStorage() == 3)
    }

    @Test("an index row that belongs to no block is found")
    func strayIndexRow() throws {
        let chain = try chain()
        chain.ledger.close()
        let database = try SQLiteDatabase(path: chain.path)
        try database.statement("INSERT INTO transactions (id, height, position, result) VALUES (?, 2, 9, ?)")
            .bind(.blob(Hash256.of([1, 2, 3]).bytes), .blob([0])).run()
        database.close()
        chain.ledger = try Ledger.open(path: chain.path, logger: TestChain.quiet)
        do {
            try chain.ledger.checkStorage()
            Issue.record("a stray index row passed")
        } catch {
            #expect(error.code == .corrupt && error.message.contains("belong to no block"), "\(error)")
        }
    }

    @Test("a file that is not a database, or whose pages are damaged, is reported as corrupt")
    func damagedFile() throws {
        let chain = try chain(blocks: 6)
        chain.ledger.close()
        let original = try #require(FileManager.default.contents(atPath: chain.path))
        let pageSize = 4096
        #expect(original.count >= 3 * pageSize)

        // Garbage over the header: SQLite refuses the file (SQLITE_NOTADB) when the ledger opens it.
        var garbage = [UInt8](original)
        var generator = SeededGenerator(seed: 11)
        for index in 0..<100 { garbage[index] = UInt8.random(in: 0...255, using: &generator) }
        try Self.write(atPath: chain.path, contents: Data(garbage))
        #expect(Self.corruption { try Ledger.open(path: chain.path, logger: TestChain.quiet).checkStorage() })

        // A b-tree page header overwritten: open may succeed, the check finds it.
        var page = [UInt8](original)
        for index in pageSize..<pageSize + 12 { page[index] = 0xFF }
        try Self.write(atPath: chain.path, contents: Data(page))
        #expect(Self.corruption { try Ledger.open(path: chain.path, logger: TestChain.quiet).checkStorage() })

        // Truncated to half: pages the schema points at are gone.
        try Self.write(atPath: chain.path, contents: original.prefix(original.count / 2))
        #expect(Self.corruption { try Ledger.open(path: chain.path, logger: TestChain.quiet).checkStorage() })
    }

    /// True when `body` throws a corrupt ledger error.
    static func corruption(_ body: () throws -> UInt64) -> Bool {
        do {
            _ = try body()
            return false
        } catch let error as LedgerError {
            return error.code == .corrupt
        } catch {
            Issue.record("untyped error \(error)")
            return false
        }
    }

    static func write(atPath path: String, contents: Data) throws {
        try contents.write(to: URL(fileURLWithPath: path))
    }
}

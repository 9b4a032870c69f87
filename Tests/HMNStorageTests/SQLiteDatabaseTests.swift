import Foundation
import Testing
@testable import HMNStorage

@Suite("SQLite wrapper")
struct SQLiteDatabaseTests {
    func temporaryPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("hmn-storage-\(UUID().uuidString).sqlite").path
    }

    @Test("migrations run once, in order, and a failed transaction rolls back whole")
    func migrationsAndRollback() throws {
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let migrations = ["CREATE TABLE t (k INTEGER PRIMARY KEY, v BLOB NOT NULL)", "CREATE INDEX t_v ON t(v)"]
        do {
            let db = try SQLiteDatabase(path: path)
            try db.migrate(migrations)
            #expect(try db.userVersion == 2)
            try db.transaction { try db.statement("INSERT INTO t VALUES (?, ?)").bind(.integer(1), .blob([])).run() }
            #expect(throws: StorageError.self) {
                try db.transaction {
                    try db.statement("INSERT INTO t VALUES (?, ?)").bind(.integer(2), .blob([1])).run()
                    try db.statement("INSERT INTO t VALUES (?, ?)").bind(.integer(1), .blob([2])).run()  // duplicate key
                }
            }
        }
        let reopened = try SQLiteDatabase(path: path)
        try reopened.migrate(migrations)
        let rows = try reopened.statement("SELECT k, v FROM t").all { ($0.int64(0), $0.blob(1)) }
        #expect(rows.count == 1)
        #expect(rows.first?.0 == 1)
        #expect(rows.first?.1 == [])
        #expect(try reopened.quickCheck().isEmpty)
    }

    @Test("the page cache is SQLite's 2 MiB unless the options size it")
    func cacheSize() throws {
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try SQLiteDatabase(path: path).cacheSizeKibibytes() == 2_000)
        #expect(try SQLiteDatabase(path: path, options: .init(cacheKibibytes: 65_536)).cacheSizeKibibytes() == 65_536)
    }

    @Test("a schema newer than the build is refused")
    func newerSchema() throws {
        let db = try SQLiteDatabase(path: ":memory:")
        try db.execute("PRAGMA user_version = 9")
        #expect(throws: StorageError.self) { try db.migrate(["SELECT 1"]) }
    }
}

internal import CSQLite

/// One SQLite connection, confined to its owner (a single actor or thread): SQLite connections are
/// not safe to share, and HMN gives each store exactly one writer, as GRDB's `SerializedDatabase` does.
///
/// Opened in WAL mode with `synchronous=FULL`: a transaction that returned from ``transaction(_:)``
/// survives power loss and `kill -9`; readers never block the writer.
public final class SQLiteDatabase {
    /// How the file is opened.
    public struct Options: Sendable {
        /// Open read-only (no writes, no schema changes).
        public var readOnly: Bool = false
        /// WAL journal and FULL sync; turn off only for throwaway in-memory stores.
        public var durable: Bool = true
        /// Milliseconds to wait on a lock held by another connection.
        public var busyTimeoutMilliseconds: Int32 = 5_000
        /// The connection's page cache in KiB (`PRAGMA cache_size=-N`); nil keeps SQLite's 2 MiB.
        public var cacheKibibytes: Int?

        public init(
            readOnly: Bool = false, durable: Bool = true, busyTimeoutMilliseconds: Int32 = 5_000,
            cacheKibibytes: Int? = nil
        ) {
            self.readOnly = readOnly
            self.durable = durable
            self.busyTimeoutMilliseconds = busyTimeoutMilliseconds
            self.cacheKibibytes = cacheKibibytes
        }
    }

    private var handle: OpaquePointer?
    public let path: String
    private var statementCache: [String: SQLiteStatement] = [:]

    /// Opens (creating if needed) the database at `path`; `":memory:"` gives a private in-memory one.
    public init(path: String, options: Options = Options()) throws(StorageError) {
        self.path = path
        let flags =
            options.readOnly
            ? SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX
            : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        var db: OpaquePointer?
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close_v2(db)
            throw StorageError(.sqlite, sqliteCode: rc, "cannot open \(path): \(message)")
        }
        handle = db
        sqlite3_extended_result_codes(db, 1)
        sqlite3_busy_timeout(db, options.busyTimeoutMilliseconds)
        if options.durable && !options.readOnly && path != ":memory:" {
            try execute("PRAGMA journal_mode=WAL")
            try execute("PRAGMA synchronous=FULL")
        }
        try execute("PRAGMA foreign_keys=ON")
        if let kibibytes = options.cacheKibibytes { try execute("PRAGMA cache_size=-\(max(kibibytes, 1))") }
    }

    /// The page cache's size in KiB (from `PRAGMA cache_size`).
    public func cacheSizeKibibytes() throws(StorageError) -> Int {
        let pages = try statement("PRAGMA cache_size").row { $0.int64(0) } ?? 0
        let pageBytes = try statement("PRAGMA page_size").row { $0.int64(0) } ?? 4_096
        // Negative: KiB; positive: pages.
        return pages < 0 ? Int(-pages) : Int(pages * pageBytes / 1_024)
    }

    deinit {
        statementCache.removeAll()
        sqlite3_close_v2(handle)
    }

    /// Closes the connection now; later calls fail.
    public func close() {
        statementCache.removeAll()
        sqlite3_close_v2(handle)
        handle = nil
    }

    /// Runs one or more statements that return no rows.
    public func execute(_ sql: String) throws(StorageError) {
        var error: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(try connection(), sql, nil, nil, &error)
        if rc != SQLITE_OK {
            let message = error.map { String(cString: $0) } ?? "unknown error"
            sqlite3_free(error)
            throw StorageError(.sqlite, sqliteCode: rc, "\(message) in: \(sql.prefix(200))")
        }
    }

    /// A prepared statement, cached per SQL text; bindings are cleared before it is returned.
    public func statement(_ sql: String) throws(StorageError) -> SQLiteStatement {
        if let cached = statementCache[sql] {
            cached.reset()
            return cached
        }
        var raw: OpaquePointer?
        let rc = sqlite3_prepare_v3(try connection(), sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &raw, nil)
        guard rc == SQLITE_OK, let raw else {
            throw StorageError(.sqlite, sqliteCode: rc, "\(lastErrorMessage) preparing: \(sql.prefix(200))")
        }
        let statement = SQLiteStatement(raw, database: self)
        statementCache[sql] = statement
        return statement
    }

    /// Runs `body` inside `BEGIN IMMEDIATE … COMMIT`; any thrown error rolls everything back, so a
    /// caller's multi-row change applies whole or not at all.
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    /// `PRAGMA user_version`, used as the schema version.
    public var userVersion: Int64 {
        get throws(StorageError) {
            try statement("PRAGMA user_version").row { $0.int64(0) } ?? 0
        }
    }

    /// Cached statements that have started and not finished. Zero between operations: a busy
    /// statement holds a read transaction that keeps the WAL from being restarted (see
    /// ``SQLiteStatement/reset()``). For tests.
    public var busyStatementCount: Int { statementCache.values.filter(\.isBusy).count }

    /// Applies `migrations[i]` for every `i ≥ user_version`, each in its own transaction with the
    /// version bump, so a crash mid-migration leaves the previous version intact.
    public func migrate(_ migrations: [String]) throws {
        let current = try userVersion
        if current > Int64(migrations.count) {
            throw StorageError(.schema, "schema version \(current) is newer than this build (\(migrations.count))")
        }
        for (index, sql) in migrations.enumerated() where Int64(index) >= current {
            try transaction {
                try execute(sql)
                try execute("PRAGMA user_version = \(index + 1)")
            }
        }
    }

    /// Rows changed by the last statement.
    public var changes: Int { Int(sqlite3_changes(handle)) }

    /// Runs SQLite's `quick_check`; returns the problems found (empty when healthy).
    public func quickCheck() throws(StorageError) -> [String] {
        let statement = try statement("PRAGMA quick_check")
        var problems: [String] = []
        while try statement.step() {
            let line = statement.text(0) ?? ""
            if line != "ok" { problems.append(line) }
        }
        return problems
    }

    var lastErrorMessage: String {
        handle.map { String(cString: sqlite3_errmsg($0)) } ?? "database is closed"
    }

    private func connection() throws(StorageError) -> OpaquePointer {
        guard let handle else { throw StorageError(.sqlite, "database \(path) is closed") }
        return handle
    }
}

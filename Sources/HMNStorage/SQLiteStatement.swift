internal import CSQLite

/// A prepared statement. Parameters are 1-based, columns 0-based, as in SQLite's C API.
public final class SQLiteStatement {
    private let raw: OpaquePointer
    private unowned let database: SQLiteDatabase

    init(_ raw: OpaquePointer, database: SQLiteDatabase) {
        self.raw = raw
        self.database = database
    }

    deinit { sqlite3_finalize(raw) }

    /// Finishes the statement (and clears its bindings). A statement that has returned a row and
    /// was not stepped to the end keeps its connection's read transaction open; in WAL mode that
    /// stops checkpoints from restarting the log, so the `-wal` file grows with every later write.
    /// Callers that stop reading early call this (``row(_:)`` does it for single-row reads).
    public func reset() {
        sqlite3_reset(raw)
        sqlite3_clear_bindings(raw)
    }

    /// Whether the statement has started and not finished (it holds a read transaction).
    public var isBusy: Bool { sqlite3_stmt_busy(raw) != 0 }

    /// Steps once and, when there is a row, reads it with `read`; the statement is finished
    /// either way, so no read transaction stays open. For point lookups.
    public func row<T>(_ read: (SQLiteStatement) -> T) throws(StorageError) -> T? {
        defer { sqlite3_reset(raw) }
        guard try step() else { return nil }
        return read(self)
    }

    /// Binds values to parameters 1…n in order; returns self for chaining.
    @discardableResult
    public func bind(_ values: SQLiteValue...) throws(StorageError) -> SQLiteStatement {
        try bind(values)
    }

    @discardableResult
    public func bind(_ values: [SQLiteValue]) throws(StorageError) -> SQLiteStatement {
        sqlite3_reset(raw)
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let rc: Int32
            switch value {
            case .null: rc = sqlite3_bind_null(raw, index)
            case .integer(let int): rc = sqlite3_bind_int64(raw, index, int)
            case .real(let double): rc = sqlite3_bind_double(raw, index, double)
            case .text(let text): rc = hmn_sqlite3_bind_text_transient(raw, index, text, -1)
            case .blob(let bytes):
                // A zero-length blob must still bind as a blob, not NULL.
                rc = bytes.withUnsafeBytes { buffer in
                    hmn_sqlite3_bind_blob_transient(raw, index, buffer.baseAddress ?? UnsafeRawPointer(bitPattern: 1), Int32(buffer.count))
                }
            }
            guard rc == SQLITE_OK else {
                throw StorageError(.sqlite, sqliteCode: rc, "bind parameter \(index): \(database.lastErrorMessage)")
            }
        }
        return self
    }

    /// Advances to the next row; false when done.
    @discardableResult
    public func step() throws(StorageError) -> Bool {
        switch sqlite3_step(raw) {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        case let rc: throw StorageError(.sqlite, sqliteCode: rc, database.lastErrorMessage)
        }
    }

    /// Runs a statement that returns no rows.
    public func run() throws(StorageError) {
        while try step() {}
    }

    public func isNull(_ column: Int32) -> Bool { sqlite3_column_type(raw, column) == SQLITE_NULL }

    public func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(raw, column) }

    public func double(_ column: Int32) -> Double { sqlite3_column_double(raw, column) }

    public func text(_ column: Int32) -> String? {
        guard let pointer = sqlite3_column_text(raw, column) else { return nil }
        return String(cString: pointer)
    }

    public func blob(_ column: Int32) -> [UInt8] {
        let count = Int(sqlite3_column_bytes(raw, column))
        guard count > 0, let pointer = sqlite3_column_blob(raw, column) else { return [] }
        return Array(UnsafeRawBufferPointer(start: pointer, count: count))
    }

    /// Collects every remaining row through `row`.
    public func all<T>(_ row: (SQLiteStatement) throws -> T) throws -> [T] {
        var result: [T] = []
        defer { sqlite3_reset(raw) }
        while try step() { result.append(try row(self)) }
        return result
    }
}

/// A value bound to a statement parameter.
public enum SQLiteValue: Sendable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])

    /// UInt64 stored bit-for-bit in SQLite's signed 64-bit integer.
    public static func unsigned(_ value: UInt64) -> SQLiteValue { .integer(Int64(bitPattern: value)) }
}

extension SQLiteStatement {
    /// Reads a column written with ``SQLiteValue/unsigned(_:)``.
    public func uint64(_ column: Int32) -> UInt64 { UInt64(bitPattern: int64(column)) }
}

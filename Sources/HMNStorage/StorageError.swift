/// A storage failure: an SQLite error, a failed migration, or corrupt data detected on read.
public struct StorageError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Code: String, Hashable, Sendable {
        /// SQLite returned an error; ``StorageError/sqliteCode`` holds its result code.
        case sqlite
        /// Stored bytes failed their integrity check (hash mismatch, undecodable row).
        case corrupt
        /// The schema is newer than this build understands, or a migration failed.
        case schema
        /// A value did not fit the column's expected type or range.
        case typeMismatch
    }

    public var code: Code
    /// SQLite's extended result code when `code == .sqlite`.
    public var sqliteCode: Int32?
    public var message: String
    /// Where the error was raised, for operators reading logs.
    public var file: String
    public var line: Int

    public init(_ code: Code, sqliteCode: Int32? = nil, _ message: String, file: String = #fileID, line: Int = #line) {
        self.code = code
        self.sqliteCode = sqliteCode
        self.message = message
        self.file = file
        self.line = line
    }

    public var description: String {
        let sqlite = sqliteCode.map { " (SQLite \($0))" } ?? ""
        return "StorageError.\(code.rawValue)\(sqlite): \(message) [\(file):\(line)]"
    }

    public static func == (lhs: StorageError, rhs: StorageError) -> Bool {
        lhs.code == rhs.code && lhs.sqliteCode == rhs.sqliteCode && lhs.message == rhs.message
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(code)
        hasher.combine(sqliteCode)
        hasher.combine(message)
    }
}

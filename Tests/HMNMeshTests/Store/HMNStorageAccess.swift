import HMNStorage

/// Opens a store's database file directly, to damage it on purpose in tests.
enum HMNStorageAccess {
    static func open(_ path: String) throws -> SQLiteDatabase { try SQLiteDatabase(path: path) }
}

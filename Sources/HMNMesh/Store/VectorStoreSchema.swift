/// The store's SQLite schema, applied through ``SQLiteDatabase/migrate(_:)``.
///
/// - `records`: one row per record; `record` holds the canonical bytes of ``MemoryRecord`` (with
///   its Float32 vector, or with an empty vector and the int8 codes in `quantized`). `label` is the
///   index key of the current vector version; a new version gets a new, larger label. The bookkeeping
///   that changes without a new version (importance after a merge, access count, last access) lives
///   in its own columns and overrides the blob, so the blob and its content hash never change.
/// - `aliases`: ids merged into another record by compression, still resolvable.
/// - `meta`: the store's shape and the next label.
/// - `graph`: the latest HNSW checkpoint image, its checksum, and the label watermark it covers.
enum VectorStoreSchema {
    static let migrations = [
        """
        CREATE TABLE records(
            id BLOB PRIMARY KEY,
            label INTEGER NOT NULL UNIQUE,
            record BLOB NOT NULL,
            quantized BLOB,
            importance INTEGER NOT NULL,
            access_count INTEGER NOT NULL,
            last_access INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE aliases(alias BLOB PRIMARY KEY, target BLOB NOT NULL) WITHOUT ROWID;
        CREATE TABLE meta(key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
        CREATE TABLE graph(
            slot INTEGER PRIMARY KEY CHECK (slot = 1),
            watermark INTEGER NOT NULL,
            checksum BLOB NOT NULL,
            image BLOB NOT NULL
        );
        """
    ]
}

import HMNPrimitives

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
/// - Version 2 adds `records.record_hash` and `records.quantized_hash`: BLAKE2b-256 of the
///   `record` and `quantized` blobs, written with them and checked when the store opens, so a
///   flipped byte in a stored vector or payload is reported (`StorageError.corrupt`) and never served. Rows written before version 2 have NULL hashes and
///   are checked only by decoding.
/// - Version 3 adds `records.bookkeeping_hash`: BLAKE2b-256 over the row's id, label, importance,
///   access count and last access (``bookkeepingHash(id:label:importance:accessCount:lastAccess:)``),
///   rewritten with every bookkeeping update and checked on open, so a flipped importance or access
///   count (which would silently change the record's RΦV) is reported too. NULL for older rows.
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
        """,
        """
        ALTER TABLE records ADD COLUMN record_hash BLOB;
        ALTER TABLE records ADD COLUMN quantized_hash BLOB;
        """,
        "ALTER TABLE records ADD COLUMN bookkeeping_hash BLOB;",
    ]

    static let bookkeepingTag = Array("hmn/vector-store/bookkeeping/v1".utf8)

    /// The checksum of a row's bookkeeping columns (schema version 3).
    static func bookkeepingHash(
        id: Hash256, label: UInt64, importance: Int64, accessCount: UInt64, lastAccess: UInt64
    ) -> [UInt8] {
        var columns = CanonicalEncoder()
        columns.encode(label)
        columns.encode(importance)
        columns.encode(accessCount)
        columns.encode(lastAccess)
        return Hash256.of(parts: [bookkeepingTag, id.bytes, columns.bytes]).bytes
    }

    /// ``bookkeepingHash(id:label:importance:accessCount:lastAccess:)`` of a record under `label`.
    static func bookkeepingHash(of record: MemoryRecord, label: UInt64) -> [UInt8] {
        bookkeepingHash(
            id: record.id, label: label, importance: record.importance.raw, accessCount: record.accessCount,
            lastAccess: record.lastAccessMilliseconds)
    }
}

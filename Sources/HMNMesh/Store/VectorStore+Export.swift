import HMNPrimitives
import HMNStorage

extension VectorStore {
    /// Every live record exactly as it was written: the canonical bytes of each row, with the
    /// original vector (``record(id:)`` returns the normalized or dequantized one the index holds)
    /// and without later bookkeeping (access counts). A gossip engine that restarts seeds its
    /// replica state from these, so content hashes and memory proofs match the other replicas'.
    ///
    /// Each row's checksum is verified: a damaged row throws `StorageError(.corrupt)`, never a
    /// silently different record.
    public func writtenRecords() throws -> [MemoryRecord] {
        try writer.withLock { _ in
            try readRecords(try database.statement("SELECT id, record, record_hash FROM records ORDER BY id"))
        }
    }

    /// One record exactly as it was written (see ``writtenRecords()``), or nil. An alias is not
    /// resolved: this is the row stored under `id`.
    public func writtenRecord(id: Hash256) throws -> MemoryRecord? {
        try writer.withLock { _ in
            try readRecords(
                try database.statement("SELECT id, record, record_hash FROM records WHERE id = ?").bind(.blob(id.bytes))
            ).first
        }
    }

    /// Decodes `rows` (id, record, record_hash) with the same checks as loading the store.
    private func readRecords(_ rows: SQLiteStatement) throws -> [MemoryRecord] {
        var result: [MemoryRecord] = []
        // A damaged row ends the read early; finish the statement so it holds no read transaction.
        defer { rows.reset() }
        while try rows.step() {
            result.append(
                try Self.writtenRecord(in: rows, idColumn: 0, recordColumn: 1, hashColumn: 2, what: "a record row"))
        }
        return result
    }
}

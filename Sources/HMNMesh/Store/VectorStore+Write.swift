import HMNPrimitives
import HMNStorage

extension VectorStore {
    /// Inserts or replaces one record (see ``upsert(contentsOf:)``).
    public func upsert(_ record: MemoryRecord) throws {
        try upsert(contentsOf: [record])
    }

    /// Inserts or replaces records in one transaction: all are validated first, and either all are
    /// durable when this returns or none is (a bad record throws ``MemoryStoreError`` and changes
    /// nothing). A record replaces an existing id only with a strictly higher version.
    public func upsert(contentsOf batch: [MemoryRecord]) throws {
        try writer.withLock { _ in
            var prepared: [(record: MemoryRecord, vector: [Float])] = []
            prepared.reserveCapacity(batch.count)
            var batchVersions: [Hash256: UInt64] = [:]
            for record in batch {
                let vector = try validate(record, batchVersion: batchVersions[record.id])
                batchVersions[record.id] = record.version
                prepared.append((record, vector))
            }
            var label = nextLabel
            var labels: [UInt64] = []
            try database.transaction {
                let insert = try database.statement(
                    """
                    INSERT OR REPLACE INTO records(
                        id, label, record, quantized, importance, access_count, last_access, record_hash,
                        bookkeeping_hash)
                    VALUES(?, ?, ?, NULL, ?, ?, ?, ?, ?)
                    """)
                let dropAlias = try database.statement("DELETE FROM aliases WHERE alias = ?")
                for (record, _) in prepared {
                    let bytes = record.canonicalBytes
                    try insert.bind(
                        .blob(record.id.bytes), .unsigned(label), .blob(bytes),
                        .integer(record.importance.raw), .unsigned(record.accessCount),
                        .unsigned(record.lastAccessMilliseconds), .blob(Hash256.of(bytes).bytes),
                        .blob(VectorStoreSchema.bookkeepingHash(of: record, label: label))
                    ).run()
                    try dropAlias.bind(.blob(record.id.bytes)).run()
                    labels.append(label)
                    label += 1
                }
                try setMeta("next_label", Int64(label))
            }
            nextLabel = label
            for ((record, vector), label) in zip(prepared, labels) {
                let previous = stateLock.withReadLock { records[record.id] }
                if let previous { removeVector(of: previous) }
                try graph.add(vector, label: label)
                var metadata = record
                metadata.vector = []
                stateLock.withWriteLock {
                    if let previous { idOfLabel.removeValue(forKey: previous.label) }
                    records[record.id] = StoredRecord(metadata: metadata, label: label, isQuantized: false)
                    idOfLabel[label] = record.id
                    aliases.removeValue(forKey: record.id)
                }
            }
            try noteWrites(batch.count)
        }
    }

    /// Deletes a record (and every alias that resolves to it), or just the alias if `id` is one.
    /// Returns false if nothing had that id.
    @discardableResult
    public func delete(id: Hash256) throws -> Bool {
        try writer.withLock { _ in
            let (stored, isAlias) = stateLock.withReadLock { (records[id], aliases[id] != nil) }
            if isAlias {
                try database.transaction {
                    try database.statement("DELETE FROM aliases WHERE alias = ?").bind(.blob(id.bytes)).run()
                }
                _ = stateLock.withWriteLock { aliases.removeValue(forKey: id) }
                return true
            }
            guard let stored else { return false }
            try database.transaction {
                try database.statement("DELETE FROM records WHERE id = ?").bind(.blob(id.bytes)).run()
                try database.statement("DELETE FROM aliases WHERE target = ?").bind(.blob(id.bytes)).run()
            }
            removeVector(of: stored)
            stateLock.withWriteLock {
                records.removeValue(forKey: id)
                idOfLabel.removeValue(forKey: stored.label)
                aliases = aliases.filter { $0.value != id }
            }
            try noteWrites(1)
            return true
        }
    }

    /// Records a read of `id` at `nowMilliseconds` (raises its recency term of RΦV).
    public func recordAccess(id: Hash256, nowMilliseconds: UInt64) throws {
        try writer.withLock { _ in
            let target = stateLock.withReadLock { aliases[id] ?? id }
            guard var stored = stateLock.withReadLock({ records[target] }) else {
                throw MemoryStoreError(.notFound, "no record \(id.short)")
            }
            stored.metadata.accessCount += 1
            stored.metadata.lastAccessMilliseconds = max(stored.metadata.lastAccessMilliseconds, nowMilliseconds)
            try writeBookkeeping(stored)
            let updated = stored
            stateLock.withWriteLock { records[target] = updated }
        }
    }

    /// Saves the HNSW graph so the next open loads it instead of rebuilding (also done
    /// automatically every ``VectorStoreConfiguration/checkpointInterval`` writes and on ``close()``).
    public func checkpoint() throws {
        try writer.withLock { _ in try checkpointLocked() }
    }

    /// Checkpoints the graph and closes the database.
    public func close() throws {
        try writer.withLock { _ in
            try checkpointLocked()
            database.close()
        }
    }

    // MARK: Writer-confined helpers (call with `writer` held)

    /// Validates one record against the store; returns its prepared vector.
    func validate(_ record: MemoryRecord, batchVersion: UInt64?) throws(MemoryStoreError) -> [Float] {
        let vector = try VectorValidation.prepare(
            record.vector, dimension: configuration.dimension, metric: configuration.metric)
        guard record.payload.count <= configuration.maxPayloadBytes else {
            throw MemoryStoreError(
                .payloadTooLarge, "payload of \(record.payload.count) bytes exceeds \(configuration.maxPayloadBytes)")
        }
        let stored = stateLock.withReadLock { records[record.id]?.metadata }
        if let newest = [stored?.version, batchVersion].compactMap({ $0 }).max(), record.version <= newest {
            throw MemoryStoreError(
                .staleVersion, "record \(record.id.short) version \(record.version) is not newer than \(newest)")
        }
        // A record belongs to its author: a later version by anyone else is a forgery, whatever its
        // version number says (its signature, checked where records enter, binds the author).
        if let stored, stored.author != record.author {
            throw MemoryStoreError(
                .authorMismatch,
                "record \(record.id.short) belongs to \(stored.author.short); \(record.author.short) cannot replace it")
        }
        if let proof = record.proof { try proof.verify(for: record, chainID: configuration.chainID) }
        if configuration.requiresProofForCritical, record.proof == nil,
            configuration.valuePolicy.isCritical(record, nowMilliseconds: record.updatedAtMilliseconds)
        {
            throw MemoryStoreError(.invalidProof, "critical record \(record.id.short) carries no memory proof")
        }
        return vector
    }

    func removeVector(of stored: StoredRecord) {
        if stored.isQuantized { quantized.remove(label: stored.label) } else { graph.remove(label: stored.label) }
    }

    func writeBookkeeping(_ stored: StoredRecord) throws {
        let metadata = stored.metadata
        try database.statement(
            "UPDATE records SET importance = ?, access_count = ?, last_access = ?, bookkeeping_hash = ? WHERE id = ?"
        )
        .bind(
            .integer(metadata.importance.raw), .unsigned(metadata.accessCount),
            .unsigned(metadata.lastAccessMilliseconds),
            .blob(VectorStoreSchema.bookkeepingHash(of: metadata, label: stored.label)), .blob(metadata.id.bytes)
        )
        .run()
    }

    func setMeta(_ key: String, _ value: Int64) throws {
        try database.statement("INSERT OR REPLACE INTO meta(key, value) VALUES(?, ?)").bind(.text(key), .integer(value))
            .run()
    }

    func noteWrites(_ count: Int) throws {
        writesSinceCheckpoint += count
        if writesSinceCheckpoint >= configuration.checkpointInterval { try checkpointLocked() }
    }

    func checkpointLocked() throws {
        if graph.nodeTotal > graph.count + graph.count / 4 + 64 { graph.compact() }
        let image = graph.serialized()
        try database.transaction {
            try database.statement("INSERT OR REPLACE INTO graph(slot, watermark, checksum, image) VALUES(1, ?, ?, ?)")
                .bind(.unsigned(nextLabel), .blob(Hash256.of(image).bytes), .blob(image))
                .run()
        }
        writesSinceCheckpoint = 0
        logger.debug(
            "vector store graph checkpoint", metadata: ["nodes": "\(graph.nodeTotal)", "bytes": "\(image.count)"])
    }
}

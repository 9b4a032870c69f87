import Foundation
import HMNMesh
import HMNPrimitives

extension MilvusVectorStore {
    /// Inserts or replaces one record (see ``upsert(contentsOf:)``).
    public func upsert(_ record: MemoryRecord) throws {
        try upsert(contentsOf: [record])
    }

    /// Inserts or replaces records; returns once Milvus holds them and serves them to reads.
    ///
    /// Every record is checked first (shape, payload, version, proof); a bad one throws
    /// ``HMNMesh/MemoryStoreError`` and nothing is sent. The batch is one Milvus insert request.
    /// A replaced version's row is deleted only after the new row is searchable, so a failure at
    /// any point leaves at least the last acknowledged version of every record; until the old
    /// row is gone, reads return the newest version and searches one row per id.
    public func upsert(contentsOf batch: [MemoryRecord]) throws {
        guard !batch.isEmpty else { return }
        try writer.withLock { _ in
            let existing = try rows(ids: Array(Set(batch.map(\.id))))
            var batchVersions: [Hash256: UInt64] = [:]
            var rows: [MilvusRow] = []
            rows.reserveCapacity(batch.count)
            for record in batch {
                try validate(
                    record, stored: existing[record.id]?.record.version, batchVersion: batchVersions[record.id])
                batchVersions[record.id] = record.version
                rows.append(MilvusRow(record))
            }
            let reply = try client.post(
                "/v1/vector/insert", MilvusWire.Insert(collectionName: connection.collection, data: rows),
                as: MilvusWire.InsertReply.self)
            let inserted = reply.insertIds.map(\.value)
            guard inserted.count == rows.count else {
                throw MilvusError(
                    .badResponse, "Milvus reported \(inserted.count) inserted rows of \(rows.count)",
                    context: .init(endpoint: "/v1/vector/insert"))
            }
            try waitUntil(keys: inserted, visible: true)
            // Within the batch a later version of an id supersedes its earlier rows too.
            var superseded = existing.values.flatMap(\.keys)
            var lastRow: [Hash256: Int64] = [:]
            for (record, key) in zip(batch, inserted) {
                if let earlier = lastRow[record.id] { superseded.append(earlier) }
                lastRow[record.id] = key
            }
            try deleteRows(superseded)
            let added = Set(batch.map(\.id)).subtracting(existing.keys).count
            liveCount.withLock { $0 += added }
        }
    }

    /// Deletes a record (every row holding its id); false when there was none. Returns once
    /// Milvus no longer serves it.
    @discardableResult
    public func delete(id: Hash256) throws(MilvusError) -> Bool {
        try writer.withLock { _ throws(MilvusError) -> Bool in
            guard let held = try rows(ids: [id])[id] else { return false }
            try deleteRows(held.keys)
            liveCount.withLock { $0 -= 1 }
            return true
        }
    }

    // MARK: Writer-confined helpers

    /// The embedded store's checks, in its order, so both backends refuse the same records.
    func validate(_ record: MemoryRecord, stored: UInt64?, batchVersion: UInt64?) throws {
        _ = try VectorValidation.prepare(
            record.vector, dimension: configuration.dimension, metric: configuration.metric)
        guard record.payload.count <= configuration.maxPayloadBytes else {
            throw MemoryStoreError(
                .payloadTooLarge, "payload of \(record.payload.count) bytes exceeds \(configuration.maxPayloadBytes)")
        }
        // Base64 of the canonical bytes must fit Milvus's 64 KiB dynamic-field limit.
        let encoded = (record.canonicalBytes.count + 2) / 3 * 4
        guard encoded <= MilvusRow.maxEncodedRecordBytes else {
            throw MemoryStoreError(
                .payloadTooLarge,
                "record \(record.id.short) encodes to \(encoded) bytes; Milvus holds at most \(MilvusRow.maxEncodedRecordBytes) "
                    + "per row (about 48 KiB of payload and vector)")
        }
        if let newest = [stored, batchVersion].compactMap({ $0 }).max(), record.version <= newest {
            throw MemoryStoreError(
                .staleVersion, "record \(record.id.short) version \(record.version) is not newer than \(newest)")
        }
        if let proof = record.proof { try proof.verify(for: record, chainID: configuration.chainID) }
        if configuration.requiresProofForCritical, record.proof == nil,
            configuration.valuePolicy.isCritical(record, nowMilliseconds: record.updatedAtMilliseconds)
        {
            throw MemoryStoreError(.invalidProof, "critical record \(record.id.short) carries no memory proof")
        }
    }

    /// Deletes rows by primary key and waits until Milvus no longer serves them.
    func deleteRows(_ keys: [Int64]) throws(MilvusError) {
        var start = 0
        while start < keys.count {
            let chunk = Array(keys[start..<min(keys.count, start + 1_000)])
            start += chunk.count
            let _: MilvusWire.Empty = try client.post(
                "/v1/vector/delete", MilvusWire.Delete(collectionName: connection.collection, id: chunk),
                as: MilvusWire.Empty.self)
        }
        try waitUntil(keys: keys, visible: false)
    }

    /// Polls until every row in `keys` is served (`visible`) or none is. REST v1 reads are
    /// Bounded-consistent, so this wait is what makes an acknowledged write readable at once.
    func waitUntil(keys: [Int64], visible: Bool) throws(MilvusError) {
        guard !keys.isEmpty else { return }
        let deadline = ContinuousClock.now + .milliseconds(Int(connection.visibilityTimeoutSeconds * 1_000))
        var pause = 0.02
        var pending = keys
        while true {
            var remaining: [Int64] = []
            var start = 0
            while start < pending.count {
                let chunk = Array(pending[start..<min(pending.count, start + 1_000)])
                start += chunk.count
                let served = try client.post(
                    "/v1/vector/get",
                    MilvusWire.Get(collectionName: connection.collection, id: chunk, outputFields: ["hmn_id"]),
                    as: [MilvusWire.RowReply].self)
                let servedKeys = Set(served.map(\.id.value))
                remaining += chunk.filter { servedKeys.contains($0) != visible }
            }
            if remaining.isEmpty { return }
            pending = remaining
            guard ContinuousClock.now < deadline else {
                throw MilvusError(
                    .timeout,
                    "\(pending.count) row(s) not \(visible ? "searchable" : "gone") after "
                        + "\(connection.visibilityTimeoutSeconds) s; the write's outcome is unknown",
                    context: .init(endpoint: "/v1/vector/get"))
            }
            Thread.sleep(forTimeInterval: pause)
            pause = min(0.2, pause * 2)
        }
    }
}

import HMNMesh
import HMNPrimitives

extension MilvusVectorStore {
    /// Every live record exactly as written, for replication (a gossip engine seeds its replica
    /// state from these). Pages through the collection by id bucket (see `MilvusRow`), because
    /// Milvus 2.3 answers at most 16,384 rows per query.
    public func writtenRecords() throws(MilvusError) -> [MemoryRecord] {
        var newest: [Hash256: MemoryRecord] = [:]
        try scan(from: 0, to: 65_536, fields: ["hmn_id", "hmn_record"], limit: 1_024) { row throws(MilvusError) in
            let record = try MilvusRow.decode(row, endpoint: "/v1/vector/query")
            if let held = newest[record.id], held.version >= record.version { return }
            newest[record.id] = record
        }
        return newest.keys.sorted().compactMap { newest[$0] }
    }

    /// The distinct record ids in the collection.
    func scanIDs() throws(MilvusError) -> Set<Hash256> {
        var ids = Set<Hash256>()
        try scan(from: 0, to: 65_536, fields: ["hmn_id"], limit: Self.maxTopK) { row in
            if let hex = row.hmnID, let id = Self.hash(hex: hex) { ids.insert(id) }
        }
        return ids
    }

    /// Rows with `hmn_bucket` in `lower..<upper`; a range that fills a page is halved and re-read.
    private func scan(
        from lower: Int, to upper: Int, fields: [String], limit: Int,
        _ body: (MilvusWire.RowReply) throws(MilvusError) -> Void
    ) throws(MilvusError) {
        let rows = try client.post(
            "/v1/vector/query",
            MilvusWire.Query(
                collectionName: connection.collection, filter: "hmn_bucket >= \(lower) && hmn_bucket < \(upper)",
                outputFields: fields, limit: limit),
            as: [MilvusWire.RowReply].self)
        if rows.count < limit {
            for row in rows { try body(row) }
            return
        }
        guard upper - lower > 1 else {
            throw MilvusError(
                .server, "more than \(limit) rows share id bucket \(lower); cannot page further",
                context: .init(endpoint: "/v1/vector/query"))
        }
        let middle = (lower + upper) / 2
        try scan(from: lower, to: middle, fields: fields, limit: limit, body)
        try scan(from: middle, to: upper, fields: fields, limit: limit, body)
    }

    /// The rows holding `ids`: per id, its primary keys and its newest record.
    func rows(ids: [Hash256]) throws(MilvusError) -> [Hash256: (keys: [Int64], record: MemoryRecord)] {
        var found: [Hash256: (keys: [Int64], record: MemoryRecord)] = [:]
        var start = 0
        while start < ids.count {
            let chunk = ids[start..<min(ids.count, start + 256)]
            start += chunk.count
            let rows = try client.post(
                "/v1/vector/query",
                MilvusWire.Query(
                    collectionName: connection.collection, filter: MilvusRow.filter(ids: chunk),
                    outputFields: ["hmn_id", "hmn_record"], limit: Self.maxTopK),
                as: [MilvusWire.RowReply].self)
            for row in rows {
                let record = try MilvusRow.decode(row, endpoint: "/v1/vector/query")
                var entry = found[record.id] ?? (keys: [], record: record)
                entry.keys.append(row.id.value)
                if record.version > entry.record.version { entry.record = record }
                found[record.id] = entry
            }
        }
        return found
    }
}

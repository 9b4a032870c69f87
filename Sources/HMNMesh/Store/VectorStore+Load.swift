import HMNPrimitives
import HMNStorage
import Logging

extension VectorStore {
    struct Loaded {
        var graph: HNSWIndex
        var records: [Hash256: StoredRecord]
        var idOfLabel: [UInt64: Hash256]
        var aliases: [Hash256: Hash256]
        var nextLabel: UInt64
        var reinserted: Int
    }

    /// Reads everything back: records, aliases, the graph checkpoint; then reconciles the graph with
    /// the records (removes vectors deleted or replaced after the checkpoint, inserts newer ones).
    static func load(
        database: SQLiteDatabase, configuration: VectorStoreConfiguration, quantized: QuantizedFlatIndex,
        logger: Logger
    ) throws -> Loaded {
        try checkShape(database: database, configuration: configuration)
        var records: [Hash256: StoredRecord] = [:]
        var idOfLabel: [UInt64: Hash256] = [:]
        var floats: [(label: UInt64, vector: [Float])] = []
        var maxLabel: UInt64 = 0
        let rows = try database.statement(
            """
            SELECT id, label, record, quantized, importance, access_count, last_access, record_hash, quantized_hash,
                bookkeeping_hash
            FROM records
            """)
        while try rows.step() {
            let label = rows.uint64(1)
            var record = try writtenRecord(
                in: rows, idColumn: 0, recordColumn: 2, hashColumn: 7, what: "record row with label \(label)")
            if !rows.isNull(3) {
                try verifyHash(of: rows.blob(3), against: rows, column: 8, what: "quantized codes of label \(label)")
            }
            record.importance = FixedPoint(raw: rows.int64(4))
            record.accessCount = rows.uint64(5)
            record.lastAccessMilliseconds = rows.uint64(6)
            if !rows.isNull(9),
                rows.blob(9) != VectorStoreSchema.bookkeepingHash(of: record, label: label)
            {
                throw StorageError(.corrupt, "bookkeeping of the record row with label \(label) fails its checksum")
            }
            let isQuantized = !rows.isNull(3)
            if isQuantized {
                try quantized.add(
                    quantized: try decodeQuantized(rows.blob(3), dimension: configuration.dimension), label: label)
            } else {
                floats.append((label, record.vector))
            }
            maxLabel = max(maxLabel, label)
            record.vector = []
            records[record.id] = StoredRecord(metadata: record, label: label, isQuantized: isQuantized)
            idOfLabel[label] = record.id
        }
        var aliases: [Hash256: Hash256] = [:]
        let aliasRows = try database.statement("SELECT alias, target FROM aliases")
        while try aliasRows.step() {
            aliases[try Hash256(bytes: aliasRows.blob(0))] = try Hash256(bytes: aliasRows.blob(1))
        }
        let storedNext = try meta(database, "next_label").map { UInt64($0) } ?? 1
        let graph = try loadGraph(database: database, configuration: configuration, logger: logger)
        // Reconcile: the checkpoint may predate deletes, replacements and inserts.
        let floatLabels = Set(floats.map(\.label))
        var removed = 0
        for label in graph.liveLabels where !floatLabels.contains(label) {
            graph.remove(label: label)
            removed += 1
        }
        var reinserted = 0
        for (label, vector) in floats.sorted(by: { $0.label < $1.label }) where !graph.contains(label: label) {
            try graph.add(vector, label: label)
            reinserted += 1
        }
        logger.info(
            "vector store opened",
            metadata: [
                "records": "\(records.count)", "quantized": "\(quantized.count)",
                "reinserted": "\(reinserted)", "removedFromGraph": "\(removed)",
            ])
        return Loaded(
            graph: graph, records: records, idOfLabel: idOfLabel, aliases: aliases,
            nextLabel: max(storedNext, maxLabel + 1), reinserted: reinserted)
    }

    /// The record a row holds exactly as written: its blob checked against the stored BLAKE2b-256,
    /// decoded, and under the row's own id. Any failure is `StorageError(.corrupt)` naming `what`.
    static func writtenRecord(
        in row: SQLiteStatement, idColumn: Int32, recordColumn: Int32, hashColumn: Int32, what: String
    ) throws(StorageError) -> MemoryRecord {
        let bytes = row.blob(recordColumn)
        try verifyHash(of: bytes, against: row, column: hashColumn, what: what)
        let record: MemoryRecord
        do {
            record = try MemoryRecord(canonicalBytes: bytes)
        } catch {
            // Rows written before records carried an author signature end where the optional
            // signature now starts: read them as unsigned.
            guard let legacy = try? MemoryRecord(canonicalBytes: bytes + [0]) else {
                throw StorageError(.corrupt, "\(what) does not decode: \(error)")
            }
            record = legacy
        }
        guard record.id.bytes == row.blob(idColumn) else {
            throw StorageError(.corrupt, "\(what) holds another record's id")
        }
        return record
    }

    /// Checks a blob against its stored BLAKE2b-256 (NULL for rows written before schema version 2).
    private static func verifyHash(
        of bytes: [UInt8], against row: SQLiteStatement, column: Int32, what: String
    ) throws(StorageError) {
        guard !row.isNull(column) else { return }
        guard Hash256.of(bytes).bytes == row.blob(column) else {
            throw StorageError(.corrupt, "\(what) fails its checksum")
        }
    }

    /// The graph checkpoint if present and intact, else an empty graph (rebuilt by reconciliation).
    private static func loadGraph(
        database: SQLiteDatabase, configuration: VectorStoreConfiguration, logger: Logger
    ) throws -> HNSWIndex {
        let fresh = {
            try HNSWIndex(
                dimension: configuration.dimension, metric: configuration.metric,
                parameters: configuration.hnsw, maxK: configuration.maxK)
        }
        guard
            let (checksum, image) = try database.statement("SELECT checksum, image FROM graph WHERE slot = 1")
                .row({ ($0.blob(0), $0.blob(1)) })
        else { return try fresh() }
        guard Hash256.of(image).bytes == checksum else {
            logger.warning("vector store graph checkpoint fails its checksum; rebuilding")
            return try fresh()
        }
        do {
            return try HNSWIndex(
                image: image, dimension: configuration.dimension, metric: configuration.metric,
                parameters: configuration.hnsw, maxK: configuration.maxK)
        } catch {
            logger.warning("vector store graph checkpoint unreadable; rebuilding", metadata: ["error": "\(error)"])
            return try fresh()
        }
    }

    /// Writes the store's shape on creation; on reopen, refuses a different one.
    private static func checkShape(database: SQLiteDatabase, configuration: VectorStoreConfiguration) throws {
        let expected: [(String, Int64)] = [
            ("dimension", Int64(configuration.dimension)),
            ("metric", Int64(configuration.metric.rawValue)),
            ("hnsw_m", Int64(configuration.hnsw.m)),
        ]
        for (key, value) in expected {
            if let stored = try meta(database, key) {
                guard stored == value else {
                    throw MemoryStoreError(
                        .invalidParameter, "store was created with \(key) = \(stored), opened with \(value)")
                }
            } else {
                try database.statement("INSERT INTO meta(key, value) VALUES(?, ?)").bind(.text(key), .integer(value))
                    .run()
            }
        }
    }

    private static func meta(_ database: SQLiteDatabase, _ key: String) throws -> Int64? {
        let row = try database.statement("SELECT value FROM meta WHERE key = ?").bind(.text(key))
        return try row.row { $0.int64(0) }
    }

    static func encodeQuantized(_ vector: ScalarQuantizedVector) -> [UInt8] {
        var encoder = CanonicalEncoder(capacity: vector.codes.count + 16)
        encoder.encodeBytes(vector.codes)
        encoder.encode(vector.minimum)
        encoder.encode(vector.step)
        return encoder.bytes
    }

    static func decodeQuantized(_ bytes: [UInt8], dimension: Int) throws -> ScalarQuantizedVector {
        var decoder = CanonicalDecoder(bytes)
        let codes = try decoder.decodeBytes(maxLength: dimension)
        let minimum = try decoder.decode(Float.self)
        let step = try decoder.decode(Float.self)
        try decoder.finish()
        return ScalarQuantizedVector(codes: codes, minimum: minimum, step: step)
    }
}

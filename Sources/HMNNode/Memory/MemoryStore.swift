import HMNMesh
import HMNPrimitives

/// What the node needs from a vector memory store. HMNMesh's ``VectorStore`` conforms; a test or
/// a custom node can plug in another index.
public protocol MemoryStore: Sendable {
    /// Inserts or replaces a record (strictly higher version); validates completely first.
    func upsert(_ record: MemoryRecord) throws
    func record(id: Hash256) -> MemoryRecord?
    func search(_ query: [Float], k: Int, efSearch: Int?, filter: ((MemoryRecord) -> Bool)?) throws(MemoryStoreError)
        -> [MemoryHit]
    /// Live records.
    var count: Int { get }
    /// Length of every vector, and the largest payload accepted.
    var dimension: Int { get }
    var maxPayloadBytes: Int { get }
    /// RΦV of a record at `nowMilliseconds` (SPEC §8).
    func value(of record: MemoryRecord, nowMilliseconds: UInt64) -> FixedPoint
    /// Every live record exactly as written (original vector, proof intact), for replication.
    func writtenRecords() throws -> [MemoryRecord]
    /// One record exactly as written, or nil.
    func writtenRecord(id: Hash256) throws -> MemoryRecord?
    /// Removes a record; false when there was none.
    func delete(id: Hash256) throws -> Bool
    /// Flushes and closes (graceful shutdown).
    func close() throws
}

extension VectorStore: MemoryStore {
    public var dimension: Int { configuration.dimension }
    public var maxPayloadBytes: Int { configuration.maxPayloadBytes }

    public func value(of record: MemoryRecord, nowMilliseconds: UInt64) -> FixedPoint {
        configuration.valuePolicy.value(of: record, nowMilliseconds: nowMilliseconds)
    }
}

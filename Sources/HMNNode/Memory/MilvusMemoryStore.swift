import HMNMesh
import HMNMilvus
import HMNPrimitives
import Logging

/// A node's memory kept in Milvus (`vectorBackend` kind `milvus`): a ``MilvusVectorStore`` seen
/// through ``MemoryStore``.
///
/// A wrapper rather than a conformance, because `MemoryStore`'s `record(id:)` cannot throw (the
/// embedded store reads it from memory) while a Milvus read can. Here a failed read is logged and
/// answered as "absent"; the write or search that follows fails with
/// `MemoryStoreError` `unavailable` (the API's HTTP 503), so a down server never makes a write
/// look acknowledged.
public struct MilvusMemoryStore: MemoryStore {
    public let store: MilvusVectorStore
    let logger: Logger

    public init(store: MilvusVectorStore, logger: Logger) {
        self.store = store
        self.logger = logger
    }

    public var count: Int { store.count }
    public var dimension: Int { store.configuration.dimension }
    public var maxPayloadBytes: Int { store.configuration.maxPayloadBytes }

    public func value(of record: MemoryRecord, nowMilliseconds: UInt64) -> FixedPoint {
        store.configuration.valuePolicy.value(of: record, nowMilliseconds: nowMilliseconds)
    }

    public func upsert(_ record: MemoryRecord) throws {
        do {
            try store.upsert(record)
        } catch let error as MilvusError {
            throw error.memoryStoreError
        }
    }

    public func record(id: Hash256) -> MemoryRecord? {
        do {
            return try store.record(id: id)
        } catch {
            logger.warning("Milvus read failed", metadata: ["record": "\(id.short)", "error": "\(error)"])
            return nil
        }
    }

    public func search(_ query: [Float], k: Int, efSearch: Int?, filter: ((MemoryRecord) -> Bool)?)
        throws(MemoryStoreError) -> [MemoryHit]
    {
        do {
            return try store.search(query, k: k, efSearch: efSearch, filter: filter)
        } catch let error as MemoryStoreError {
            throw error
        } catch let error as MilvusError {
            throw error.memoryStoreError
        } catch {
            throw MemoryStoreError(.storage, "\(error)")
        }
    }

    public func writtenRecords() throws -> [MemoryRecord] {
        do {
            return try store.writtenRecords()
        } catch {
            throw error.memoryStoreError
        }
    }

    public func writtenRecord(id: Hash256) throws -> MemoryRecord? {
        do {
            return try store.record(id: id)
        } catch {
            throw error.memoryStoreError
        }
    }

    public func delete(id: Hash256) throws -> Bool {
        do {
            return try store.delete(id: id)
        } catch {
            throw error.memoryStoreError
        }
    }

    public func close() throws { store.close() }
}

extension MilvusError {
    /// The store-level error the node maps to its API: `unavailable` for an unreachable or silent
    /// server (HTTP 503), `storage` for everything else (HTTP 500).
    public var memoryStoreError: MemoryStoreError {
        switch code {
        case .unavailable, .timeout: MemoryStoreError(.unavailable, description)
        default: MemoryStoreError(.storage, description)
        }
    }
}

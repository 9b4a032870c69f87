/// One result of a nearest-neighbour search: the caller's label and its distance (smaller is closer).
public struct SearchHit: Hashable, Sendable {
    public var label: UInt64
    public var distance: Float

    public init(label: UInt64, distance: Float) {
        self.label = label
        self.distance = distance
    }
}

/// A k-nearest-neighbour index over fixed-dimension Float32 vectors, keyed by caller-chosen labels.
///
/// Implementations are reference types that are safe to search from many threads while one thread
/// writes. Vectors are validated (dimension, finite components, non-zero under cosine) and a bad one
/// is rejected with ``MemoryStoreError`` without changing the index.
public protocol VectorIndex: AnyObject, Sendable {
    var dimension: Int { get }
    var metric: DistanceMetric { get }
    /// Live (not deleted) vectors.
    var count: Int { get }
    /// Largest `k` a search accepts.
    var maxK: Int { get }

    /// Adds `vector` under `label`, replacing the vector that label had.
    func add(_ vector: [Float], label: UInt64) throws(MemoryStoreError)
    /// Removes `label`; false if it was not there.
    @discardableResult func remove(label: UInt64) -> Bool
    func contains(label: UInt64) -> Bool
    /// The stored (prepared) vector of `label`.
    func vector(label: UInt64) -> [Float]?
    /// The `k` nearest live vectors whose label passes `filter`, closest first.
    func search(_ query: [Float], k: Int, filter: ((UInt64) -> Bool)?) throws(MemoryStoreError) -> [SearchHit]
}

extension VectorIndex {
    public func search(_ query: [Float], k: Int) throws(MemoryStoreError) -> [SearchHit] {
        try search(query, k: k, filter: nil)
    }
}

/// Checks a vector against an index's dimension and metric, and prepares it for storage.
///
/// Public so that a store backed by another engine (HMNMilvus) refuses exactly what the embedded
/// store refuses, with the same ``MemoryStoreError`` codes, before anything leaves the process.
public enum VectorValidation {
    /// Returns the vector as the index stores it (unit length under cosine), or a typed error.
    public static func prepare(_ vector: [Float], dimension: Int, metric: DistanceMetric) throws(MemoryStoreError)
        -> [Float]
    {
        guard vector.count == dimension else {
            throw MemoryStoreError(
                .wrongDimension, "vector has \(vector.count) components, store dimension is \(dimension)")
        }
        var squaredNorm: Float = 0
        for (index, component) in vector.enumerated() {
            guard component.isFinite else {
                throw MemoryStoreError(.nonFiniteComponent, "component \(index) is \(component)")
            }
            squaredNorm += component * component
        }
        guard metric == .cosine else { return vector }
        guard squaredNorm > 0, squaredNorm.isFinite else {
            throw MemoryStoreError(.zeroVector, "a zero (or overflowing) vector has no direction under cosine")
        }
        let scale = 1 / squaredNorm.squareRoot()
        return vector.map { $0 * scale }
    }

    /// Validates `k` (and `efSearch` when given) for a search.
    public static func checkSearch(k: Int, efSearch: Int?, maxK: Int) throws(MemoryStoreError) {
        guard k > 0, k <= maxK else {
            throw MemoryStoreError(.invalidK, "k must be in 1...\(maxK), got \(k)")
        }
        if let efSearch, efSearch < k {
            throw MemoryStoreError(.invalidParameter, "efSearch \(efSearch) is smaller than k \(k)")
        }
    }
}

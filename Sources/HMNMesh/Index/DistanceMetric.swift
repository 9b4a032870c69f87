/// How closeness between two vectors is measured. Every index reports a *distance* (smaller is closer).
public enum DistanceMetric: UInt8, Hashable, Sendable, CaseIterable {
    /// `1 − cos(a, b)`. Vectors are normalized when they enter an index, so this is `1 − a·b`;
    /// a zero vector has no direction and is rejected.
    case cosine = 0
    /// Squared Euclidean distance `‖a − b‖²` (the square root does not change the order).
    case l2 = 1
    /// `1 − a·b` (maximum inner product search), as hnswlib and FAISS define it.
    case innerProduct = 2

    /// The distance between two stored (already prepared) vectors of `count` components, by the
    /// kernels ``DistanceKernels`` selected for this CPU. Hot loops hoist
    /// `DistanceKernels.selected.distance(for:)` instead, to skip the switch and the lazy-global check.
    @inline(__always)
    func distance(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ count: Int) -> Float {
        DistanceKernels.selected.distance(for: self)(a, b, count)
    }
}

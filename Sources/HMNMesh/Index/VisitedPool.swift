import Synchronization

/// Hands each concurrent search its own ``VisitedSet`` and takes it back afterwards, so parallel
/// readers never share marks and a steady state allocates nothing.
final class VisitedPool: Sendable {
    private let free = Mutex<[VisitedSet]>([])

    func withVisitedSet<T, E: Error>(nodeCount: Int, _ body: (VisitedSet) throws(E) -> T) throws(E) -> T {
        let set = free.withLock { $0.popLast() } ?? VisitedSet(capacity: nodeCount)
        set.reset(nodeCount: nodeCount)
        defer { free.withLock { $0.append(set) } }
        return try body(set)
    }
}

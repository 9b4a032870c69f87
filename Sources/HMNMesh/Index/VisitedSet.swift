/// Marks which nodes a search has visited, cleared in O(1) by bumping an epoch.
///
/// A `Set<UInt32>` would hash and allocate on every visit; here a visit is one store into a
/// `UInt16` array, and clearing is one increment (the array is zeroed only when the epoch wraps).
/// One search owns a set at a time (they come from ``VisitedPool``), hence `@unchecked Sendable`.
final class VisitedSet: @unchecked Sendable {
    private(set) var capacity: Int
    private var marks: UnsafeMutablePointer<UInt16>
    private var epoch: UInt16 = 1

    init(capacity: Int) {
        self.capacity = max(capacity, 1024)
        marks = .allocate(capacity: self.capacity)
        marks.initialize(repeating: 0, count: self.capacity)
    }

    deinit { marks.deallocate() }

    /// Starts a new search over at least `nodeCount` nodes.
    func reset(nodeCount: Int) {
        if nodeCount > capacity {
            marks.deallocate()
            capacity = max(nodeCount, capacity * 2)
            marks = .allocate(capacity: capacity)
            marks.initialize(repeating: 0, count: capacity)
            epoch = 1
            return
        }
        epoch &+= 1
        if epoch == 0 {
            marks.update(repeating: 0, count: capacity)
            epoch = 1
        }
    }

    /// Marks `node`; returns true if it was already marked in this search.
    @inline(__always)
    func testAndSet(_ node: UInt32) -> Bool {
        let index = Int(node)
        if marks[index] == epoch { return true }
        marks[index] = epoch
        return false
    }
}

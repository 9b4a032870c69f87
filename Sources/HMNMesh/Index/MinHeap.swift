/// A binary min-heap of `(distance, node)` pairs in one flat array.
///
/// HNSW needs a min-heap of candidates and a max-heap of results; the max-heap is this heap over
/// negated distances, so there is one type and no comparator closure in the hot loop.
struct MinHeap {
    private(set) var distances: [Float] = []
    private(set) var nodes: [UInt32] = []

    init(capacity: Int = 0) {
        distances.reserveCapacity(capacity)
        nodes.reserveCapacity(capacity)
    }

    var count: Int { distances.count }
    var isEmpty: Bool { distances.isEmpty }
    var topDistance: Float { distances[0] }
    var topNode: UInt32 { nodes[0] }

    mutating func removeAll() {
        distances.removeAll(keepingCapacity: true)
        nodes.removeAll(keepingCapacity: true)
    }

    @inline(__always)
    mutating func push(_ distance: Float, _ node: UInt32) {
        distances.append(distance)
        nodes.append(node)
        var child = distances.count - 1
        while child > 0 {
            let parent = (child - 1) >> 1
            if distances[parent] <= distance { break }
            distances[child] = distances[parent]
            nodes[child] = nodes[parent]
            child = parent
        }
        distances[child] = distance
        nodes[child] = node
    }

    @inline(__always)
    @discardableResult
    mutating func pop() -> (distance: Float, node: UInt32) {
        let top = (distances[0], nodes[0])
        let lastDistance = distances.removeLast()
        let lastNode = nodes.removeLast()
        let count = distances.count
        if count > 0 {
            var parent = 0
            while true {
                var child = 2 * parent + 1
                if child >= count { break }
                if child + 1 < count && distances[child + 1] < distances[child] { child += 1 }
                if distances[child] >= lastDistance { break }
                distances[parent] = distances[child]
                nodes[parent] = nodes[child]
                parent = child
            }
            distances[parent] = lastDistance
            nodes[parent] = lastNode
        }
        return top
    }
}

/// Exact k-nearest-neighbour search by scanning every vector (the reference every ANN index is
/// measured against, and the right choice below a few thousand vectors).
///
/// Vectors live in one contiguous buffer scanned with SIMD kernels; a removal moves the last vector
/// into the hole, so the buffer stays dense. Thread safety: a reader-writer lock guards all state,
/// so searches run in parallel and a write excludes them briefly; that lock is why the class can be
/// `@unchecked Sendable`.
public final class FlatIndex: VectorIndex, @unchecked Sendable {
    public let dimension: Int
    public let metric: DistanceMetric
    public let maxK: Int

    private let lock = ReadWriteLock()
    private var storage: UnsafeMutablePointer<Float>
    private var capacity: Int
    private var labels: [UInt64] = []
    private var slotOfLabel: [UInt64: Int] = [:]

    public init(dimension: Int, metric: DistanceMetric, maxK: Int = 10_000, initialCapacity: Int = 1024) {
        precondition(dimension > 0, "dimension must be positive")
        self.dimension = dimension
        self.metric = metric
        self.maxK = maxK
        capacity = max(initialCapacity, 16)
        storage = .allocate(capacity: capacity * dimension)
    }

    deinit { storage.deallocate() }

    public var count: Int { lock.withReadLock { labels.count } }

    public func contains(label: UInt64) -> Bool { lock.withReadLock { slotOfLabel[label] != nil } }

    public func vector(label: UInt64) -> [Float]? {
        lock.withReadLock {
            guard let slot = slotOfLabel[label] else { return nil }
            return Array(UnsafeBufferPointer(start: storage + slot * dimension, count: dimension))
        }
    }

    public func add(_ vector: [Float], label: UInt64) throws(MemoryStoreError) {
        let prepared = try VectorValidation.prepare(vector, dimension: dimension, metric: metric)
        lock.withWriteLock {
            let slot: Int
            if let existing = slotOfLabel[label] {
                slot = existing
            } else {
                if labels.count == capacity { grow() }
                slot = labels.count
                labels.append(label)
                slotOfLabel[label] = slot
            }
            prepared.withUnsafeBufferPointer {
                (storage + slot * dimension).update(from: $0.baseAddress!, count: dimension)
            }
        }
    }

    @discardableResult
    public func remove(label: UInt64) -> Bool {
        lock.withWriteLock {
            guard let slot = slotOfLabel.removeValue(forKey: label) else { return false }
            let last = labels.count - 1
            if slot != last {
                (storage + slot * dimension).update(from: storage + last * dimension, count: dimension)
                labels[slot] = labels[last]
                slotOfLabel[labels[slot]] = slot
            }
            labels.removeLast()
            return true
        }
    }

    public func search(_ query: [Float], k: Int, filter: ((UInt64) -> Bool)?) throws(MemoryStoreError) -> [SearchHit] {
        try VectorValidation.checkSearch(k: k, efSearch: nil, maxK: maxK)
        let prepared = try VectorValidation.prepare(query, dimension: dimension, metric: metric)
        return lock.withReadLock {
            // A max-heap (negated distances) of the best k so far; its top is the worst kept.
            var best = MinHeap(capacity: k + 1)
            let kernel = DistanceKernels.selected.distance(for: metric)
            prepared.withUnsafeBufferPointer { queryBuffer in
                let q = queryBuffer.baseAddress!
                for slot in 0..<labels.count {
                    if let filter, !filter(labels[slot]) { continue }
                    let distance = kernel(q, storage + slot * dimension, dimension)
                    if best.count < k {
                        best.push(-distance, UInt32(slot))
                    } else if distance < -best.topDistance {
                        best.pop()
                        best.push(-distance, UInt32(slot))
                    }
                }
            }
            var hits: [SearchHit] = []
            hits.reserveCapacity(best.count)
            while !best.isEmpty {
                let (negated, slot) = best.pop()
                hits.append(SearchHit(label: labels[Int(slot)], distance: -negated))
            }
            return hits.reversed()
        }
    }

    private func grow() {
        let newCapacity = capacity * 2
        let newStorage = UnsafeMutablePointer<Float>.allocate(capacity: newCapacity * dimension)
        newStorage.moveInitialize(from: storage, count: labels.count * dimension)
        storage.deallocate()
        storage = newStorage
        capacity = newCapacity
    }
}

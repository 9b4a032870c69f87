import Foundation
import HMNPrimitives
import Synchronization

/// Approximate nearest-neighbour search over a Hierarchical Navigable Small World graph
/// (Malkov & Yashunin, TPAMI 2018; arXiv:1603.09320): greedy descent through sparse upper layers,
/// then a beam search of width `ef` on layer 0; neighbours chosen by the paper's heuristic
/// (Algorithm 4) so links spread in all directions instead of clustering.
///
/// Layout, for speed: all vectors in one contiguous, 64-byte (cache-line) aligned buffer; layer-0
/// links in one flat `UInt32` buffer of `2M + 1` slots per node (count first); upper-layer links in
/// one pool addressed by a per-node offset; a visited set with epoch counters; binary heaps over
/// flat arrays. Distances go through the SIMD kernels ``DistanceKernels`` chose for this CPU.
///
/// Deletes are tombstones: the node stays traversable (other nodes may still point at it) but never
/// appears in results, and its neighbours' lists are repaired at once by re-running the heuristic
/// over their old links plus the deleted node's links. ``compact()`` drops tombstones for good.
///
/// Concurrency: any number of searches run in parallel with one writer. Writers are serialized by a
/// mutex; an insert appends its vector under the write lock, plans its links under the *read* lock
/// (the expensive beam search, concurrent with readers), and writes the links under the write lock.
/// All mutable state is guarded by that reader-writer lock, which is why the class is
/// `@unchecked Sendable`: the compiler cannot see a pthread lock's protection.
public final class HNSWIndex: VectorIndex, @unchecked Sendable {
    public let dimension: Int
    public let metric: DistanceMetric
    public let parameters: HNSWParameters
    public let maxK: Int

    let lock = ReadWriteLock()
    let writers = Mutex<Void>(())
    let visitedPool = VisitedPool()

    // Guarded by `lock`.
    var nodeCapacity: Int
    var nodeCount = 0
    var liveCount = 0
    var vectors: UnsafeMutablePointer<Float>
    var level0: UnsafeMutablePointer<UInt32>
    var labels: UnsafeMutablePointer<UInt64>
    var levels: UnsafeMutablePointer<UInt8>
    var deleted: UnsafeMutablePointer<Bool>
    var upperOffsets: UnsafeMutablePointer<Int>
    var upperPool: UnsafeMutablePointer<UInt32>
    var upperPoolCount = 0
    var upperPoolCapacity: Int
    var nodeOfLabel: [UInt64: UInt32] = [:]
    var entryPoint: UInt32?
    var maxLevel = 0
    var generator: SeededGenerator

    /// The distance kernel for `metric`, resolved once from ``DistanceKernels`` (AVX-512, AVX2,
    /// NEON, … as the CPU allows) so the hot loops make one indirect call per distance.
    let distanceKernel: KernelTable.FloatKernel
    let maxLinks0: Int
    let level0Stride: Int
    let upperStride: Int
    let levelMultiplier: Double
    static let maxLevelCap = 15

    public init(
        dimension: Int, metric: DistanceMetric, parameters: HNSWParameters = HNSWParameters(),
        maxK: Int = 10_000, initialCapacity: Int = 1024
    ) throws(MemoryStoreError) {
        guard dimension > 0, dimension <= MemoryRecord.maxDimension else {
            throw MemoryStoreError(.invalidParameter, "dimension must be in 1...\(MemoryRecord.maxDimension)")
        }
        try parameters.validate()
        self.dimension = dimension
        self.metric = metric
        self.parameters = parameters
        self.maxK = maxK
        distanceKernel = DistanceKernels.selected.distance(for: metric)
        maxLinks0 = parameters.m * 2
        level0Stride = maxLinks0 + 1
        upperStride = parameters.m + 1
        levelMultiplier = 1 / log(Double(max(parameters.m, 2)))
        generator = SeededGenerator(seed: parameters.seed)
        nodeCapacity = max(initialCapacity, 16)
        upperPoolCapacity = max(nodeCapacity / 4, 64) * upperStride
        vectors = Self.allocateVectors(nodeCapacity * dimension)
        level0 = .allocate(capacity: nodeCapacity * level0Stride)
        labels = .allocate(capacity: nodeCapacity)
        levels = .allocate(capacity: nodeCapacity)
        deleted = .allocate(capacity: nodeCapacity)
        upperOffsets = .allocate(capacity: nodeCapacity)
        upperPool = .allocate(capacity: upperPoolCapacity)
    }

    deinit {
        vectors.deallocate()
        level0.deallocate()
        labels.deallocate()
        levels.deallocate()
        deleted.deallocate()
        upperOffsets.deallocate()
        upperPool.deallocate()
    }

    // MARK: VectorIndex

    public var count: Int { lock.withReadLock { liveCount } }

    /// Nodes in the graph including tombstones (what ``compact()`` would reclaim is the difference).
    public var nodeTotal: Int { lock.withReadLock { nodeCount } }

    public func contains(label: UInt64) -> Bool { lock.withReadLock { nodeOfLabel[label] != nil } }

    public func vector(label: UInt64) -> [Float]? {
        lock.withReadLock {
            guard let node = nodeOfLabel[label] else { return nil }
            return Array(UnsafeBufferPointer(start: vectorPointer(node), count: dimension))
        }
    }

    /// Every live label (for persistence reconciliation).
    public var liveLabels: [UInt64] { lock.withReadLock { Array(nodeOfLabel.keys) } }

    public func add(_ vector: [Float], label: UInt64) throws(MemoryStoreError) {
        let prepared = try VectorValidation.prepare(vector, dimension: dimension, metric: metric)
        writers.withLock { _ in insert(prepared, label: label) }
    }

    @discardableResult
    public func remove(label: UInt64) -> Bool {
        writers.withLock { _ in
            lock.withWriteLock {
                guard let node = nodeOfLabel[label] else { return false }
                markDeletedAndRepair(node)
                return true
            }
        }
    }

    public func search(_ query: [Float], k: Int, filter: ((UInt64) -> Bool)?) throws(MemoryStoreError) -> [SearchHit] {
        try search(query, k: k, efSearch: nil, filter: filter)
    }

    /// Searches with an explicit beam width (`efSearch ≥ k`); nil uses ``HNSWParameters/efSearch``.
    public func search(
        _ query: [Float], k: Int, efSearch: Int?, filter: ((UInt64) -> Bool)? = nil
    ) throws(MemoryStoreError) -> [SearchHit] {
        try VectorValidation.checkSearch(k: k, efSearch: efSearch, maxK: maxK)
        let prepared = try VectorValidation.prepare(query, dimension: dimension, metric: metric)
        let ef = max(efSearch ?? parameters.efSearch, k)
        return lock.withReadLock {
            guard let entry = entryPoint else { return [] }
            return prepared.withUnsafeBufferPointer { buffer in
                let q = buffer.baseAddress!
                let (start, startDistance) = greedyDescent(q, from: entry, downTo: 0)
                var results = visitedPool.withVisitedSet(nodeCount: nodeCount) { visited in
                    searchLayer(
                        q, entry: start, entryDistance: startDistance, ef: ef, level: 0,
                        visited: visited, filter: filter)
                }
                while results.count > k { results.pop() }
                var hits = [SearchHit](repeating: SearchHit(label: 0, distance: 0), count: results.count)
                var index = results.count - 1
                while !results.isEmpty {
                    let (negated, node) = results.pop()
                    hits[index] = SearchHit(label: labels[Int(node)], distance: -negated)
                    index -= 1
                }
                return hits
            }
        }
    }

    // MARK: Storage helpers (call with the lock held)

    @inline(__always)
    func vectorPointer(_ node: UInt32) -> UnsafeMutablePointer<Float> { vectors + Int(node) &* dimension }

    /// The link list of `node` at `level`: slot 0 holds the count, the links follow.
    @inline(__always)
    func links(_ node: UInt32, _ level: Int) -> UnsafeMutablePointer<UInt32> {
        if level == 0 { return level0 + Int(node) &* level0Stride }
        return upperPool + upperOffsets[Int(node)] + (level - 1) * upperStride
    }

    @inline(__always)
    func distance(_ q: UnsafePointer<Float>, _ node: UInt32) -> Float {
        distanceKernel(q, vectorPointer(node), dimension)
    }

    @inline(__always)
    func distance(between a: UInt32, _ b: UInt32) -> Float {
        distanceKernel(vectorPointer(a), vectorPointer(b), dimension)
    }

    /// Vector storage aligned to a cache line, so a vector whose byte size is a multiple of 64
    /// (128-d, 384-d, …) never straddles more lines than it must and SIMD loads do not split.
    static func allocateVectors(_ count: Int) -> UnsafeMutablePointer<Float> {
        UnsafeMutableRawPointer.allocate(byteCount: max(count, 1) * MemoryLayout<Float>.stride, alignment: 64)
            .bindMemory(to: Float.self, capacity: count)
    }

    func randomLevel() -> Int {
        let uniform = Double(generator.next() >> 11) * 0x1.0p-53
        let level = Int(-log(1 - uniform) * levelMultiplier)
        return min(level, Self.maxLevelCap)
    }

    /// Appends an unlinked node (invisible to searches until something links to it).
    func appendNode(_ vector: [Float], label: UInt64, level: Int) -> UInt32 {
        if nodeCount == nodeCapacity { growNodes(to: nodeCapacity * 2) }
        let node = UInt32(nodeCount)
        vector.withUnsafeBufferPointer { vectorPointer(node).initialize(from: $0.baseAddress!, count: dimension) }
        labels[nodeCount] = label
        levels[nodeCount] = UInt8(level)
        deleted[nodeCount] = false
        (level0 + nodeCount * level0Stride).initialize(repeating: 0, count: level0Stride)
        upperOffsets[nodeCount] = upperPoolCount
        if level > 0 {
            let needed = level * upperStride
            if upperPoolCount + needed > upperPoolCapacity {
                growUpperPool(to: max(upperPoolCapacity * 2, upperPoolCount + needed))
            }
            (upperPool + upperPoolCount).initialize(repeating: 0, count: needed)
            upperPoolCount += needed
        }
        nodeCount += 1
        return node
    }

    func growNodes(to capacity: Int) {
        func regrow<T>(_ pointer: inout UnsafeMutablePointer<T>, _ perNode: Int) {
            let fresh = UnsafeMutablePointer<T>.allocate(capacity: capacity * perNode)
            fresh.moveInitialize(from: pointer, count: nodeCount * perNode)
            pointer.deallocate()
            pointer = fresh
        }
        let freshVectors = Self.allocateVectors(capacity * dimension)
        freshVectors.moveInitialize(from: vectors, count: nodeCount * dimension)
        vectors.deallocate()
        vectors = freshVectors
        regrow(&level0, level0Stride)
        regrow(&labels, 1)
        regrow(&levels, 1)
        regrow(&deleted, 1)
        regrow(&upperOffsets, 1)
        nodeCapacity = capacity
    }

    func growUpperPool(to capacity: Int) {
        let fresh = UnsafeMutablePointer<UInt32>.allocate(capacity: capacity)
        fresh.moveInitialize(from: upperPool, count: upperPoolCount)
        upperPool.deallocate()
        upperPool = fresh
        upperPoolCapacity = capacity
    }

    /// Bytes held for live nodes: vectors, and links (layer 0 plus upper layers), plus tombstones' share.
    public var footprint: (vectorBytes: Int, graphBytes: Int, tombstoneBytes: Int) {
        lock.withReadLock {
            let perNodeVector = dimension * 4
            let perNodeLinks = level0Stride * 4 + 8 + 8 + 2
            let upper = upperPoolCount * 4
            let dead = nodeCount - liveCount
            let averageUpper = nodeCount > 0 ? upper / nodeCount : 0
            return (
                liveCount * perNodeVector,
                liveCount * (perNodeLinks + averageUpper),
                dead * (perNodeVector + perNodeLinks + averageUpper)
            )
        }
    }
}

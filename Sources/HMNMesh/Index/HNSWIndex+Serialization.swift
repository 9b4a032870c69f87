import HMNPrimitives

/// A flat binary image of the graph (vectors, links, labels, tombstones), so a store reopens without
/// rebuilding. Native little-endian layout: this is a local checkpoint, never hashed across nodes
/// or sent on the wire; the store keeps a BLAKE2b checksum beside it and rebuilds if it mismatches.
extension HNSWIndex {
    static let imageMagic: [UInt8] = Array("HMNHNSW1".utf8)

    /// The graph's image, taken under the read lock (searches continue meanwhile).
    public func serialized() -> [UInt8] {
        lock.withReadLock {
            var out: [UInt8] = []
            out.reserveCapacity(64 + nodeCount * (dimension * 4 + level0Stride * 4 + 20) + upperPoolCount * 4)
            out.append(contentsOf: Self.imageMagic)
            func put<T>(_ value: T) { withUnsafeBytes(of: value) { out.append(contentsOf: $0) } }
            func putBuffer<T>(_ pointer: UnsafeMutablePointer<T>, _ count: Int) {
                out.append(contentsOf: UnsafeRawBufferPointer(start: pointer, count: count * MemoryLayout<T>.stride))
            }
            put(UInt32(dimension))
            put(metric.rawValue)
            put(UInt32(parameters.m))
            put(UInt64(nodeCount))
            put(UInt64(upperPoolCount))
            put(entryPoint ?? UInt32.max)
            put(Int32(maxLevel))
            putBuffer(labels, nodeCount)
            putBuffer(levels, nodeCount)
            putBuffer(deleted, nodeCount)
            putBuffer(upperOffsets, nodeCount)
            putBuffer(vectors, nodeCount * dimension)
            putBuffer(level0, nodeCount * level0Stride)
            putBuffer(upperPool, upperPoolCount)
            return out
        }
    }

    /// Rebuilds an index from ``serialized()`` bytes; the layout must match `dimension`, `metric`
    /// and `parameters.m`. Throws ``MemoryStoreError/Code/storage`` on any inconsistency.
    public convenience init(
        image: [UInt8], dimension: Int, metric: DistanceMetric, parameters: HNSWParameters, maxK: Int = 10_000
    ) throws(MemoryStoreError) {
        var reader = ImageReader(bytes: image)
        guard try reader.take(8) == Self.imageMagic else {
            throw MemoryStoreError(.storage, "HNSW image has bad magic")
        }
        let storedDimension = Int(try reader.value(UInt32.self))
        let storedMetric = try reader.value(UInt8.self)
        let storedM = Int(try reader.value(UInt32.self))
        guard storedDimension == dimension, storedMetric == metric.rawValue, storedM == parameters.m else {
            throw MemoryStoreError(.storage, "HNSW image was built with other dimension, metric or M")
        }
        let nodes = Int(try reader.value(UInt64.self))
        let pool = Int(try reader.value(UInt64.self))
        let entry = try reader.value(UInt32.self)
        let top = Int(try reader.value(Int32.self))
        guard nodes <= image.count, pool <= image.count else {
            throw MemoryStoreError(.storage, "HNSW image counts exceed its size")
        }
        try self.init(
            dimension: dimension, metric: metric, parameters: parameters, maxK: maxK,
            initialCapacity: max(nodes, 16))
        if pool > upperPoolCapacity { growUpperPool(to: pool) }
        try reader.fill(labels, nodes)
        try reader.fill(levels, nodes)
        try reader.fill(deleted, nodes)
        try reader.fill(upperOffsets, nodes)
        try reader.fill(vectors, nodes * dimension)
        try reader.fill(level0, nodes * level0Stride)
        try reader.fill(upperPool, pool)
        guard reader.isAtEnd else { throw MemoryStoreError(.storage, "HNSW image has trailing bytes") }
        nodeCount = nodes
        upperPoolCount = pool
        // Validate every link and offset so a damaged image cannot make a search read out of bounds.
        for node in 0..<nodes {
            let level = Int(levels[node])
            guard level <= Self.maxLevelCap, upperOffsets[node] >= 0,
                upperOffsets[node] + level * upperStride <= pool
            else {
                throw MemoryStoreError(.storage, "HNSW image node \(node) has a bad level or offset")
            }
            for layer in 0...level {
                let list = links(UInt32(node), layer)
                let limit = layer == 0 ? maxLinks0 : parameters.m
                guard Int(list[0]) <= limit else { throw MemoryStoreError(.storage, "HNSW image link count too large") }
                for index in 0..<Int(list[0]) where Int(list[index + 1]) >= nodes {
                    throw MemoryStoreError(.storage, "HNSW image link points past the last node")
                }
            }
            if !deleted[node] {
                nodeOfLabel[labels[node]] = UInt32(node)
                liveCount += 1
            }
        }
        guard entry == UInt32.max || Int(entry) < nodes, top >= 0, top <= Self.maxLevelCap else {
            throw MemoryStoreError(.storage, "HNSW image has a bad entry point")
        }
        entryPoint = entry == UInt32.max ? nil : entry
        maxLevel = top
        generator = SeededGenerator(seed: parameters.seed &+ UInt64(nodes))
    }
}

/// Bounds-checked reads from a graph image.
private struct ImageReader {
    let bytes: [UInt8]
    var offset = 0

    var isAtEnd: Bool { offset == bytes.count }

    mutating func take(_ count: Int) throws(MemoryStoreError) -> [UInt8] {
        guard count >= 0, count <= bytes.count - offset else {
            throw MemoryStoreError(.storage, "HNSW image truncated")
        }
        defer { offset += count }
        return Array(bytes[offset..<offset + count])
    }

    mutating func value<T>(_: T.Type) throws(MemoryStoreError) -> T {
        let raw = try take(MemoryLayout<T>.size)
        return raw.withUnsafeBytes { $0.loadUnaligned(as: T.self) }
    }

    mutating func fill<T>(_ pointer: UnsafeMutablePointer<T>, _ count: Int) throws(MemoryStoreError) {
        let byteCount = count * MemoryLayout<T>.stride
        guard byteCount >= 0, byteCount <= bytes.count - offset else {
            throw MemoryStoreError(.storage, "HNSW image truncated")
        }
        bytes.withUnsafeBytes { source in
            UnsafeMutableRawPointer(pointer).copyMemory(from: source.baseAddress! + offset, byteCount: byteCount)
        }
        offset += byteCount
    }
}

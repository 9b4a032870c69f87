extension HNSWIndex {
    /// Greedy walk from `entry` through layers `maxLevel … level+1` (paper, Algorithm 5 lines 1–5).
    func greedyDescent(_ q: UnsafePointer<Float>, from entry: UInt32, downTo level: Int) -> (UInt32, Float) {
        var current = entry
        var currentDistance = distance(q, entry)
        var layer = maxLevel
        while layer > level {
            var changed = true
            while changed {
                changed = false
                let list = links(current, layer)
                let count = Int(list[0])
                var index = 1
                while index <= count {
                    let candidate = list[index]
                    let d = distance(q, candidate)
                    if d < currentDistance {
                        currentDistance = d
                        current = candidate
                        changed = true
                    }
                    index += 1
                }
            }
            layer -= 1
        }
        return (current, currentDistance)
    }

    /// Beam search of width `ef` on one layer (paper, Algorithm 2).
    ///
    /// Returns a max-heap (``MinHeap`` over negated distances) of at most `ef` results. Tombstoned
    /// nodes and nodes whose label fails `filter` are traversed (they keep the graph connected) but
    /// never returned; while the result set is not full, the search keeps expanding so a selective
    /// filter still finds matches further away.
    func searchLayer(
        _ q: UnsafePointer<Float>, entry: UInt32, entryDistance: Float, ef: Int, level: Int,
        visited: VisitedSet, filter: ((UInt64) -> Bool)?
    ) -> MinHeap {
        var results = MinHeap(capacity: ef + 1)
        var candidates = MinHeap(capacity: ef * 2)
        let restricted = filter != nil || liveCount != nodeCount
        var lowerBound = Float.infinity
        _ = visited.testAndSet(entry)
        if isResult(entry, filter) {
            results.push(-entryDistance, entry)
            lowerBound = entryDistance
        }
        candidates.push(entryDistance, entry)
        // Neighbours are gathered in two passes, as hnswlib does with `_mm_prefetch`: first the
        // unvisited ones, prefetching the start of each vector so their independent cache misses
        // overlap; then the distances, prefetching the whole of the next vector while the kernel
        // works on the current one. At 384-d a vector is 24 cache lines, so without the second
        // prefetch each distance would wait on the hardware prefetcher line by line.
        let batch = UnsafeMutablePointer<UInt32>.allocate(capacity: maxLinks0 + 1)
        defer { batch.deallocate() }
        let vectors = self.vectors
        let dimension = self.dimension
        let kernel = distanceKernel
        let vectorBytes = dimension &* MemoryLayout<Float>.stride
        let headBytes = min(vectorBytes, 128)
        while !candidates.isEmpty {
            let currentDistance = candidates.topDistance
            if currentDistance > lowerBound && (results.count == ef || !restricted) { break }
            let current = candidates.pop().node
            let list = links(current, level)
            let count = Int(list[0])
            var unvisited = 0
            var index = 1
            while index <= count {
                let neighbour = list[index]
                index += 1
                if visited.testAndSet(neighbour) { continue }
                batch[unvisited] = neighbour
                unvisited += 1
                DistanceKernels.prefetch(vectors + Int(neighbour) &* dimension, bytes: headBytes)
            }
            var position = 0
            while position < unvisited {
                let neighbour = batch[position]
                position += 1
                if position < unvisited {
                    DistanceKernels.prefetch(vectors + Int(batch[position]) &* dimension, bytes: vectorBytes)
                }
                let d = kernel(q, vectors + Int(neighbour) &* dimension, dimension)
                if results.count < ef || d < lowerBound {
                    candidates.push(d, neighbour)
                    if isResult(neighbour, filter) {
                        results.push(-d, neighbour)
                        if results.count > ef { results.pop() }
                    }
                    if !results.isEmpty { lowerBound = -results.topDistance }
                }
            }
        }
        return results
    }

    @inline(__always)
    private func isResult(_ node: UInt32, _ filter: ((UInt64) -> Bool)?) -> Bool {
        if deleted[Int(node)] { return false }
        if let filter { return filter(labels[Int(node)]) }
        return true
    }
}

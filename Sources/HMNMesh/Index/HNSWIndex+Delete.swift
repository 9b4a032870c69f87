extension HNSWIndex {
    /// Tombstones `node` and repairs every neighbour that linked to it: their new list is the
    /// heuristic's choice among their remaining links plus the deleted node's links, so the region
    /// stays connected without the deleted vector. Caller holds the write lock.
    func markDeletedAndRepair(_ node: UInt32) {
        guard !deleted[Int(node)] else { return }
        deleted[Int(node)] = true
        nodeOfLabel.removeValue(forKey: labels[Int(node)])
        liveCount -= 1
        let top = Int(levels[Int(node)])
        for layer in 0...top {
            let limit = layer == 0 ? maxLinks0 : parameters.m
            let own = links(node, layer)
            let ownCount = Int(own[0])
            let ownLinks = (0..<ownCount).map { own[$0 + 1] }
            for neighbour in ownLinks where !deleted[Int(neighbour)] {
                let list = links(neighbour, layer)
                let count = Int(list[0])
                let current = (0..<count).map { list[$0 + 1] }
                guard current.contains(node) else { continue }
                var seen = Set<UInt32>([node, neighbour])
                var candidates: [(Float, UInt32)] = []
                for candidate in current + ownLinks where !deleted[Int(candidate)] && seen.insert(candidate).inserted {
                    candidates.append((distance(between: neighbour, candidate), candidate))
                }
                candidates.sort { $0.0 < $1.0 }
                rewrite(list, with: selectNeighbours(candidates, limit: limit))
            }
        }
        if entryPoint == node { replaceEntryPoint() }
    }

    /// Chooses the live node on the highest layer as the entry point (nil when nothing is live).
    func replaceEntryPoint() {
        var best: UInt32?
        var bestLevel = -1
        for candidate in 0..<nodeCount where !deleted[candidate] && Int(levels[candidate]) > bestLevel {
            best = UInt32(candidate)
            bestLevel = Int(levels[candidate])
        }
        entryPoint = best
        maxLevel = max(bestLevel, 0)
    }

    /// Drops tombstoned nodes for good, renumbering live nodes and removing links to dead ones.
    /// O(nodes × links); run it after bulk deletes or compression.
    public func compact() {
        writers.withLock { _ in
            lock.withWriteLock {
                guard liveCount != nodeCount else { return }
                var newID = [UInt32](repeating: UInt32.max, count: nodeCount)
                var next: UInt32 = 0
                for node in 0..<nodeCount where !deleted[node] {
                    newID[node] = next
                    next += 1
                }
                let oldVectors = vectors, oldLevel0 = level0, oldLabels = labels, oldLevels = levels
                let oldDeleted = deleted, oldOffsets = upperOffsets, oldPool = upperPool
                let oldCount = nodeCount
                let oldEntry = entryPoint
                vectors = Self.allocateVectors(nodeCapacity * dimension)
                level0 = .allocate(capacity: nodeCapacity * level0Stride)
                labels = .allocate(capacity: nodeCapacity)
                levels = .allocate(capacity: nodeCapacity)
                deleted = .allocate(capacity: nodeCapacity)
                upperOffsets = .allocate(capacity: nodeCapacity)
                upperPool = .allocate(capacity: upperPoolCapacity)
                nodeCount = 0
                upperPoolCount = 0
                nodeOfLabel.removeAll(keepingCapacity: true)
                for old in 0..<oldCount where !oldDeleted[old] {
                    let level = Int(oldLevels[old])
                    let vector = Array(UnsafeBufferPointer(start: oldVectors + old * dimension, count: dimension))
                    let node = appendNode(vector, label: oldLabels[old], level: level)
                    nodeOfLabel[oldLabels[old]] = node
                    for layer in 0...level {
                        let source =
                            layer == 0
                            ? oldLevel0 + old * level0Stride
                            : oldPool + oldOffsets[old] + (layer - 1) * upperStride
                        let kept = (0..<Int(source[0])).compactMap { index -> UInt32? in
                            let mapped = newID[Int(source[index + 1])]
                            return mapped == UInt32.max ? nil : mapped
                        }
                        rewrite(links(node, layer), with: kept)
                    }
                }
                liveCount = nodeCount
                if let oldEntry, newID[Int(oldEntry)] != UInt32.max {
                    entryPoint = newID[Int(oldEntry)]
                } else {
                    replaceEntryPoint()
                }
                oldVectors.deallocate()
                oldLevel0.deallocate()
                oldLabels.deallocate()
                oldLevels.deallocate()
                oldDeleted.deallocate()
                oldOffsets.deallocate()
                oldPool.deallocate()
            }
        }
    }
}

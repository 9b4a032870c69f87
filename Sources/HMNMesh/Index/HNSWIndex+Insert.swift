extension HNSWIndex {
    /// Inserts a prepared vector (paper, Algorithm 1). Caller holds the writer mutex, not the lock.
    func insert(_ prepared: [Float], label: UInt64) {
        let level = randomLevel()
        let node: UInt32 = lock.withWriteLock {
            if let old = nodeOfLabel[label] { markDeletedAndRepair(old) }
            return appendNode(prepared, label: label, level: level)
        }
        // Planning reads the graph only; the single writer is the sole mutator, so the read lock
        // suffices and searches proceed meanwhile.
        let plan: [[UInt32]] = lock.withReadLock { planLinks(for: node, level: level) }
        lock.withWriteLock {
            for (layer, selected) in plan.enumerated() {
                let list = links(node, layer)
                list[0] = UInt32(selected.count)
                for (offset, neighbour) in selected.enumerated() { list[offset + 1] = neighbour }
                for neighbour in selected { addReverseLink(from: neighbour, to: node, layer: layer) }
            }
            nodeOfLabel[label] = node
            liveCount += 1
            if entryPoint == nil || level > maxLevel {
                entryPoint = node
                maxLevel = level
            }
        }
    }

    /// For each layer `min(level, maxLevel) … 0`, the neighbours `node` should link to.
    private func planLinks(for node: UInt32, level: Int) -> [[UInt32]] {
        guard let entry = entryPoint else { return [] }
        let q = UnsafePointer(vectorPointer(node))
        let top = min(level, maxLevel)
        var plan = [[UInt32]](repeating: [], count: top + 1)
        var (current, currentDistance) = greedyDescent(q, from: entry, downTo: top)
        visitedPool.withVisitedSet(nodeCount: nodeCount) { visited in
            var layer = top
            while layer >= 0 {
                if layer != top { visited.reset(nodeCount: nodeCount) }
                _ = visited.testAndSet(node)
                var found = searchLayer(
                    q, entry: current, entryDistance: currentDistance, ef: parameters.efConstruction,
                    level: layer, visited: visited, filter: nil)
                var ascending: [(Float, UInt32)] = []
                ascending.reserveCapacity(found.count)
                while !found.isEmpty {
                    let (negated, candidate) = found.pop()
                    ascending.append((-negated, candidate))
                }
                ascending.reverse()
                plan[layer] = selectNeighbours(ascending, limit: parameters.m)
                if let best = ascending.first {
                    current = best.1
                    currentDistance = best.0
                }
                layer -= 1
            }
        }
        return plan
    }

    /// The neighbour-selection heuristic (paper, Algorithm 4): walk candidates from the closest and
    /// keep one only if it is closer to the base than to every neighbour already kept. This keeps
    /// links pointing in different directions, which is what makes clustered data navigable.
    /// `ascending` must be sorted by distance to the base.
    func selectNeighbours(_ ascending: [(Float, UInt32)], limit: Int) -> [UInt32] {
        if ascending.count <= limit { return ascending.map(\.1) }
        var selected: [UInt32] = []
        selected.reserveCapacity(limit)
        for (distanceToBase, candidate) in ascending {
            if selected.count >= limit { break }
            var keep = true
            for chosen in selected where distance(between: candidate, chosen) < distanceToBase {
                keep = false
                break
            }
            if keep { selected.append(candidate) }
        }
        return selected
    }

    /// Adds `node` to `neighbour`'s list at `layer`, shrinking the list with the heuristic when full.
    func addReverseLink(from neighbour: UInt32, to node: UInt32, layer: Int) {
        let limit = layer == 0 ? maxLinks0 : parameters.m
        let list = links(neighbour, layer)
        let count = Int(list[0])
        for index in 0..<count where list[index + 1] == node { return }
        if count < limit {
            list[count + 1] = node
            list[0] = UInt32(count + 1)
            return
        }
        var candidates: [(Float, UInt32)] = [(distance(between: neighbour, node), node)]
        candidates.reserveCapacity(count + 1)
        for index in 0..<count {
            let other = list[index + 1]
            candidates.append((distance(between: neighbour, other), other))
        }
        candidates.sort { $0.0 < $1.0 }
        rewrite(list, with: selectNeighbours(candidates, limit: limit))
    }

    @inline(__always)
    func rewrite(_ list: UnsafeMutablePointer<UInt32>, with selected: [UInt32]) {
        list[0] = UInt32(selected.count)
        for (offset, neighbour) in selected.enumerated() { list[offset + 1] = neighbour }
    }
}

import HMNPrimitives
import HMNStorage

extension VectorStore {
    /// One adaptive-compression pass (SPEC §9): merge near-duplicate pairs, then quantize low-value
    /// records. Deterministic for a given store and `nowMilliseconds` (records are visited in id
    /// order, ties go to the smaller id). All changes commit in one transaction.
    ///
    /// A merge keeps the record with the higher RΦV (its vector and payload), adds the other's access
    /// count, keeps the larger importance, and makes the other id an alias: ``record(id:)`` and
    /// ``resolve(_:)`` answer for both ids. The absorbed payload is dropped: at cosine ≥ 0.98 the two
    /// records are taken to be the same memory.
    @discardableResult
    public func compress(nowMilliseconds: UInt64, policy: CompressionPolicy = CompressionPolicy()) throws
        -> CompressionReport
    {
        let before = footprint()
        let (mergedCount, quantizedCount) = try writer.withLock { _ in
            try compressLocked(nowMilliseconds: nowMilliseconds, policy: policy)
        }
        return CompressionReport(merged: mergedCount, quantized: quantizedCount, before: before, after: footprint())
    }

    private func compressLocked(nowMilliseconds now: UInt64, policy: CompressionPolicy) throws -> (Int, Int) {
        let valuePolicy = configuration.valuePolicy
        var floats = stateLock.withReadLock { records.values.filter { !$0.isQuantized } }
        floats.sort { $0.metadata.id < $1.metadata.id }
        var metadata = Dictionary(uniqueKeysWithValues: floats.map { ($0.metadata.id, $0) })
        func value(_ id: Hash256) -> FixedPoint { valuePolicy.value(of: metadata[id]!.metadata, nowMilliseconds: now) }
        func critical(_ id: Hash256) -> Bool { value(id) >= valuePolicy.criticalThreshold }

        // 1. Near-duplicate merges.
        var mergedInto: [Hash256: Hash256] = [:]
        if policy.mergesDuplicates {
            let probe = min(policy.probeNeighbours + 1, configuration.maxK)
            for stored in floats {
                let a = stored.metadata.id
                guard mergedInto[a] == nil, !critical(a), let va = graph.vector(label: stored.label) else { continue }
                let hits = try graph.search(va, k: probe, efSearch: max(policy.probeEfSearch, probe))
                for hit in hits {
                    guard let b = stateLock.withReadLock({ idOfLabel[hit.label] }), b != a,
                        mergedInto[b] == nil, metadata[b] != nil, !critical(b),
                        let vb = graph.vector(label: hit.label),
                        Self.cosine(va, vb) >= policy.duplicateCosine
                    else { continue }
                    let aWins = value(a) > value(b) || (value(a) == value(b) && a < b)
                    let (survivor, absorbed) = aWins ? (a, b) : (b, a)
                    mergedInto[absorbed] = survivor
                    var kept = metadata[survivor]!
                    let gone = metadata[absorbed]!.metadata
                    kept.metadata.accessCount += gone.accessCount
                    kept.metadata.importance = max(kept.metadata.importance, gone.importance)
                    kept.metadata.lastAccessMilliseconds = max(
                        kept.metadata.lastAccessMilliseconds, gone.lastAccessMilliseconds)
                    metadata[survivor] = kept
                    if absorbed == a { break }
                }
            }
        }
        func finalTarget(_ id: Hash256) -> Hash256 {
            var current = id
            while let next = mergedInto[current] { current = next }
            return current
        }

        // 2. Quantize what is left and low-value.
        var toQuantize: [(id: Hash256, label: UInt64, codes: ScalarQuantizedVector)] = []
        if policy.quantizesLowValue {
            for stored in floats where mergedInto[stored.metadata.id] == nil {
                let id = stored.metadata.id
                guard value(id) < valuePolicy.compressionThreshold,
                    let vector = graph.vector(label: stored.label)
                else { continue }
                toQuantize.append((id, stored.label, ScalarQuantizedVector(quantizing: vector)))
            }
        }
        guard !mergedInto.isEmpty || !toQuantize.isEmpty else { return (0, 0) }

        // 3. Durable first, then memory.
        let existingAliases = stateLock.withReadLock { aliases }
        var newAliases = existingAliases.mapValues { finalTarget($0) }
        for absorbed in mergedInto.keys { newAliases[absorbed] = finalTarget(absorbed) }
        let survivors = Set(mergedInto.keys.map(finalTarget))
        try database.transaction {
            let deleteRecord = try database.statement("DELETE FROM records WHERE id = ?")
            let putAlias = try database.statement("INSERT OR REPLACE INTO aliases(alias, target) VALUES(?, ?)")
            for absorbed in mergedInto.keys { try deleteRecord.bind(.blob(absorbed.bytes)).run() }
            for (alias, target) in newAliases where existingAliases[alias] != target {
                try putAlias.bind(.blob(alias.bytes), .blob(target.bytes)).run()
            }
            for survivor in survivors { try writeBookkeeping(metadata[survivor]!) }
            let setCodes = try database.statement(
                "UPDATE records SET quantized = ?, quantized_hash = ? WHERE id = ?")
            for item in toQuantize {
                let codes = Self.encodeQuantized(item.codes)
                try setCodes.bind(.blob(codes), .blob(Hash256.of(codes).bytes), .blob(item.id.bytes)).run()
            }
        }
        for absorbed in mergedInto.keys { graph.remove(label: metadata[absorbed]!.label) }
        for item in toQuantize {
            try quantized.add(quantized: item.codes, label: item.label)
            graph.remove(label: item.label)
        }
        stateLock.withWriteLock {
            for absorbed in mergedInto.keys {
                let label = metadata[absorbed]!.label
                records.removeValue(forKey: absorbed)
                idOfLabel.removeValue(forKey: label)
            }
            for survivor in survivors { records[survivor] = metadata[survivor] }
            for item in toQuantize { records[item.id]?.isQuantized = true }
            aliases = newAliases
        }
        graph.compact()
        try checkpointLocked()
        return (mergedInto.count, toQuantize.count)
    }

    /// Cosine similarity of two vectors (whatever the store's metric).
    static func cosine(_ a: [Float], _ b: [Float]) -> Float {
        var dot: Float = 0, normA: Float = 0, normB: Float = 0
        for index in a.indices {
            dot += a[index] * b[index]
            normA += a[index] * a[index]
            normB += b[index] * b[index]
        }
        let denominator = (normA * normB).squareRoot()
        return denominator > 0 ? dot / denominator : 0
    }
}

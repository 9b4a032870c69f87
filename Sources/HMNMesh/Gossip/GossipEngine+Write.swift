import HMNPrimitives

extension GossipEngine {
    /// A local write: sign a proof when the record is critical; if this node hosts its shard, merge
    /// it and push it eagerly to the nearest replicas; otherwise hand it to the shard's replicas
    /// (``GossipEngine/retained`` until every one acknowledged it).
    mutating func onLocalWrite(_ input: MemoryRecord, nowMilliseconds: UInt64, _ actions: inout [GossipAction]) {
        var record = input
        guard validVector(record.vector), let shard = map.nearestShard(to: record.vector) else {
            actions.append(.rejected(from: identity, MeshError(.invalidVector, "local write with a bad vector")))
            return
        }
        // At write time R = 1 and Φ = 1 (SPEC §8), so RΦV equals the declared importance.
        if record.importance >= configuration.criticalThreshold, record.proof == nil, record.author == identity {
            let proof = MemoryProof(
                record: record, rphv: min(record.importance, .one), timestampMilliseconds: nowMilliseconds,
                chainID: configuration.chainID, key: signingKey)
            record.proof = proof
            actions.append(.commitProof(proof))
        }
        // This node's own records are signed here; others' come signed by their authors (the
        // node's API checks that before the write reaches the engine).
        if record.signature == nil, record.author == identity {
            record = record.signed(chainID: configuration.chainID, key: signingKey)
        }
        let replicas = placement[shard] ?? []
        guard replicas.contains(identity) else {
            // Not a replica: hand the record to every replica and keep (and serve) it until all of
            // them acknowledged, so a write acknowledged here is never held by nobody.
            handOff(record, shard: shard, to: Set(replicas).subtracting([identity]))
            return
        }
        // A replica that drops writes (a test fault) still pushes them to the others.
        if let outcome = integrate(record, shard: shard) {
            guard outcome == .inserted || outcome == .replaced else {
                if outcome == .stale || outcome == .lostTie {
                    actions.append(
                        .rejected(
                            from: identity,
                            MeshError(
                                .staleVersion, "local write of \(record.id.short) is not newer than the held version")))
                }
                return
            }
            actions.append(.integrated(record, shard: shard))
        }
        let targets = proximityOrdered(replicas).prefix(configuration.meshDegree)
        for peer in targets {
            actions.append(.send(to: peer, .push(shard: shard, records: [record], kind: .eager)))
        }
        // Replicas beyond the eager fan-out learn of the record lazily.
        for peer in proximityOrdered(replicas).dropFirst(configuration.meshDegree) {
            announce(RecordVersion(record), shard: shard, to: peer)
        }
    }

    func validVector(_ vector: [Float]) -> Bool {
        vector.count == Int(map.dimension) && vector.allSatisfy(\.isFinite)
    }
}

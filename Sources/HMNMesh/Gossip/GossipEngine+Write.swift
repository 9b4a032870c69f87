import HMNPrimitives

extension GossipEngine {
    /// A local write: sign a proof when the record is critical, merge it if this node hosts its
    /// shard, push it eagerly to the nearest replicas, and remember it until a replica confirms
    /// when this node hosts none.
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
        // A replica that drops writes (a test fault) still pushes them to the others.
        if replicas.contains(identity), let outcome = integrate(record, shard: shard) {
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
        } else if !replicas.contains(identity) {
            pendingOrigins[record.id] = PendingOrigin(
                record: record, shard: shard, ticksLeft: configuration.originRetryTicks,
                retriesLeft: configuration.originMaxRetries)
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

    /// Resends records whose origin hosts no replica and has heard no IHAVE for them.
    mutating func retryOrigins(_ actions: inout [GossipAction]) {
        for id in pendingOrigins.keys.sorted() {
            pendingOrigins[id]!.ticksLeft -= 1
            guard pendingOrigins[id]!.ticksLeft <= 0 else { continue }
            let pending = pendingOrigins[id]!
            guard pending.retriesLeft > 0 else {
                // Every replica stayed silent: give up; the record stays wherever a push landed.
                pendingOrigins[id] = nil
                continue
            }
            pendingOrigins[id]!.ticksLeft = configuration.originRetryTicks
            pendingOrigins[id]!.retriesLeft -= 1
            for peer in proximityOrdered(placement[pending.shard] ?? []).prefix(configuration.meshDegree) {
                actions.append(.send(to: peer, .push(shard: pending.shard, records: [pending.record], kind: .eager)))
            }
        }
    }

    func validVector(_ vector: [Float]) -> Bool {
        vector.count == Int(map.dimension) && vector.allSatisfy(\.isFinite)
    }
}

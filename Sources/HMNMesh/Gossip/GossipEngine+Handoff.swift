import HMNPrimitives

/// Moving data after a map change (SPEC §9 dynamic sharding): each record is re-assigned to the
/// nearest shard of the new map; replicas that newly host it receive it from every old holder as a
/// handoff, resent until acknowledged; a holder that no longer hosts the record keeps it (and keeps
/// serving it to queries) until every new replica acknowledged it. No record is dropped before
/// another copy is confirmed, and the merge makes the repeated handoffs idempotent.
extension GossipEngine {
    mutating func onMapChanged(_ newMap: ShardMap, _ actions: inout [GossipAction]) {
        guard newMap.version > map.version, newMap.dimension == map.dimension else { return }
        let oldPlacement = placement
        let oldShards = store.allRecords.map { ($0, store.shard(of: $0.id)) }
        map = newMap
        recomputePlacement()
        for (record, oldShard) in oldShards {
            guard let shard = map.nearestShard(to: record.vector) else { continue }
            let newReplicas = Set(placement[shard] ?? [])
            let oldReplicas = Set(oldShard.flatMap { oldPlacement[$0] } ?? [])
            let targets = newReplicas.subtracting(oldReplicas).subtracting([identity])
            let hosts = newReplicas.contains(identity)
            if hosts {
                store.move(record.id, to: shard)
            } else {
                store.remove(record.id)
                if targets.isEmpty {
                    // Every new replica was an old replica: they hold it already (repair covers gaps).
                    actions.append(.dropped(record.id))
                    continue
                }
                retained[record.id] = record
            }
            if !targets.isEmpty {
                pendingHandoffs[record.id] = PendingHandoff(
                    record: record, shard: shard, targets: targets, dropWhenDone: !hosts,
                    ticksLeft: configuration.handoffRetryTicks)
                for peer in targets.sorted() {
                    enqueue(record, shard: shard, to: peer, request: false, kind: .handoff)
                }
            }
        }
        // Handoffs still in flight follow the newest map too: their record may now belong to another
        // shard (new centroids) or its shard to other replicas (new placement), and a replica that
        // no longer hosts it never acknowledges. When this node became a replica, it keeps the record.
        for (id, pending) in pendingHandoffs.sorted(by: { $0.key < $1.key }) {
            guard let shard = map.nearestShard(to: pending.record.vector) else { continue }
            let replicas = Set(placement[shard] ?? [])
            let targets = replicas.subtracting([identity])
            guard shard != pending.shard || !pending.targets.isSubset(of: replicas) || replicas.contains(identity)
            else { continue }
            if replicas.contains(identity), pending.dropWhenDone {
                _ = integrate(pending.record, shard: shard)
                retained[id] = nil
                pendingHandoffs[id]!.dropWhenDone = false
            }
            pendingHandoffs[id]!.shard = shard
            // Replicas that already acknowledged stay done; the others and any new one are asked.
            pendingHandoffs[id]!.targets = pending.targets.intersection(targets).union(
                targets.subtracting(Set(oldPlacement[pending.shard] ?? [])))
            if pendingHandoffs[id]!.targets.isEmpty {
                pendingHandoffs[id] = nil
                if pending.dropWhenDone, !replicas.contains(identity), retained.removeValue(forKey: id) != nil {
                    actions.append(.dropped(id))
                }
                continue
            }
            for peer in pendingHandoffs[id]!.targets.sorted() {
                enqueue(pending.record, shard: shard, to: peer, request: false, kind: .handoff)
            }
        }
    }

    /// Keeps `record` (served to queries) and sends it to `targets` as a handoff, resent until each
    /// acknowledged it; then it is dropped here. With no target (no replica other than this node),
    /// the record stays retained until a map change gives it one.
    mutating func handOff(_ record: MemoryRecord, shard: ShardID, to targets: Set<PublicKey>) {
        if let held = retained[record.id], !RecordVersion(record).supersedes(RecordVersion(held)) { return }
        retained[record.id] = record
        pendingHandoffs[record.id] = PendingHandoff(
            record: record, shard: shard, targets: targets, dropWhenDone: true,
            ticksLeft: configuration.handoffRetryTicks)
        for peer in targets.sorted() where peers[peer] != nil {
            enqueue(record, shard: shard, to: peer, request: false, kind: .handoff)
        }
    }

    mutating func onAck(_ entries: [RecordVersion], from peer: PublicKey, _ actions: inout [GossipAction]) {
        for entry in entries {
            guard var pending = pendingHandoffs[entry.id],
                RecordVersion(pending.record) == entry
                    || entry.supersedes(RecordVersion(pending.record))
            else { continue }
            pending.targets.remove(peer)
            if pending.targets.isEmpty {
                pendingHandoffs[entry.id] = nil
                if pending.dropWhenDone, retained.removeValue(forKey: entry.id) != nil {
                    actions.append(.dropped(entry.id))
                }
            } else {
                pendingHandoffs[entry.id] = pending
            }
        }
    }

    mutating func retryHandoffs(_ actions: inout [GossipAction]) {
        for id in pendingHandoffs.keys.sorted() {
            pendingHandoffs[id]!.ticksLeft -= 1
            guard pendingHandoffs[id]!.ticksLeft <= 0 else { continue }
            pendingHandoffs[id]!.ticksLeft = configuration.handoffRetryTicks
            let pending = pendingHandoffs[id]!
            for peer in pending.targets.sorted() where peers[peer] != nil {
                enqueue(pending.record, shard: pending.shard, to: peer, request: false, kind: .handoff)
            }
        }
    }
}

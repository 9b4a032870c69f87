import HMNPrimitives

/// Repair by range-based set reconciliation (Meyer, "Range-Based Set Reconciliation",
/// arXiv:2212.13567, with fixed 16-way id-prefix ranges): peers compare fingerprints of a shard's
/// id ranges, descend only into ranges that differ, and list records only in small differing
/// ranges, so the bytes exchanged grow with the number of differing records (times the tree depth),
/// not with the store. Transfers are pulled (IWANT) by the side that lacks a record, and an id is
/// not asked for twice while a request is outstanding, so a node reconciling with several peers at
/// once still receives each missing record about once.
extension GossipEngine {
    /// Starts one round: the next hosted shard (round-robin), with the next co-replica in proximity
    /// order (round-robin per shard, so every pair reconciles in turn).
    mutating func startReconciliation(_ actions: inout [GossipAction]) {
        requested = requested.filter { now < $0.value + requestTimeoutMilliseconds }
        let hosted = hostedShards.sorted()
        guard !hosted.isEmpty else { return }
        let shard = hosted[reconcileCursor % hosted.count]
        reconcileCursor += 1
        let candidates = proximityOrdered(placement[shard] ?? []).filter { peers[$0] != nil }
        guard !candidates.isEmpty else { return }
        let cursor = peerCursor[shard, default: 0]
        peerCursor[shard] = cursor + 1
        let peer = candidates[cursor % candidates.count]
        let root = store.fingerprint(shard: shard, prefix: .root)
        actions.append(.send(to: peer, .reconcile(shard: shard, ranges: [root], complete: [])))
    }

    mutating func onReconcile(
        shard: ShardID, ranges: [RangeFingerprint], complete: [RangePrefix], from peer: PublicKey,
        _ actions: inout [GossipAction]
    ) {
        guard hostedShards.contains(shard) else { return }
        // A co-replica's whole shard equals ours: this copy has caught up (``isSettled(_:)``).
        if ranges.count == 1, complete.isEmpty, ranges[0].prefix == .root,
            store.fingerprint(shard: shard, prefix: .root) == ranges[0]
        {
            syncedAt[shard] = now
        }
        var reply = ReconcileReply()
        let listed = Set(ranges.map(\.prefix))
        for range in ranges {
            compare(shard: shard, range: range, from: peer, into: &reply)
        }
        // Children the sender left out of a complete parent are empty on its side.
        for parent in complete where parent.depth < RangePrefix.maxDepth {
            for child in store.children(shard: shard, prefix: parent) where !listed.contains(child.prefix) {
                compare(
                    shard: shard, range: RangeFingerprint(prefix: child.prefix, count: 0, fingerprint: 0),
                    from: peer, into: &reply)
            }
        }
        if !reply.ranges.isEmpty {
            actions.append(.send(to: peer, .reconcile(shard: shard, ranges: reply.ranges, complete: reply.complete)))
        }
        for (prefix, entries) in reply.items {
            actions.append(.send(to: peer, .items(shard: shard, prefix: prefix, entries: entries, reply: false)))
        }
    }

    /// Compares one of the peer's ranges with ours and decides the next step.
    private mutating func compare(
        shard: ShardID, range: RangeFingerprint, from peer: PublicKey, into reply: inout ReconcileReply
    ) {
        let mine = store.fingerprint(shard: shard, prefix: range.prefix)
        if mine.count == range.count && mine.fingerprint == range.fingerprint { return }
        if mine.count <= configuration.leafThreshold || range.count <= configuration.leafThreshold
            || range.prefix.depth >= RangePrefix.maxDepth
        {
            let entries = store.versions(shard: shard, prefix: range.prefix).map(RecordSummary.init)
            reply.items.append((range.prefix, entries))
        } else {
            reply.ranges.append(contentsOf: store.children(shard: shard, prefix: range.prefix))
            reply.complete.append(range.prefix)
        }
    }

    /// The peer's records in a small differing range: ask for what we lack or hold older (and, at
    /// equal versions with different content, both sides fetch; the merge decides). If we hold what
    /// the peer lacks, list our records back once (`reply`), so the peer pulls them.
    mutating func onItems(
        shard: ShardID, prefix: RangePrefix, entries: [RecordSummary], reply: Bool, from peer: PublicKey,
        _ actions: inout [GossipAction]
    ) {
        guard hostedShards.contains(shard) else { return }
        var theirs: [Hash256: RecordSummary] = [:]
        for entry in entries where prefix.contains(entry.id) { theirs[entry.id] = entry }
        let mine = store.versions(shard: shard, prefix: prefix).map(RecordSummary.init)
        var wanted: [Hash256] = []
        var peerLacks = false
        for summary in mine {
            guard let other = theirs.removeValue(forKey: summary.id) else {
                peerLacks = true
                continue
            }
            let tie = summary.version == other.version && summary.tag != other.tag
            if summary.version > other.version || tie { peerLacks = true }
            if (other.version > summary.version || tie) && shouldRequest(summary.id) { wanted.append(summary.id) }
        }
        for id in theirs.keys.sorted() where shouldRequest(id) { wanted.append(id) }
        if !wanted.isEmpty { actions.append(.send(to: peer, .iwant(ids: wanted))) }
        if peerLacks && !reply {
            actions.append(.send(to: peer, .items(shard: shard, prefix: prefix, entries: mine, reply: true)))
        }
    }
}

/// What one side answers to a reconcile message.
struct ReconcileReply {
    var ranges: [RangeFingerprint] = []
    var complete: [RangePrefix] = []
    var items: [(RangePrefix, [RecordSummary])] = []
}

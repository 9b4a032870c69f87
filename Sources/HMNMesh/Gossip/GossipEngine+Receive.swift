import HMNPrimitives

extension GossipEngine {
    mutating func onMessage(_ message: GossipMessage, from peer: PublicKey, _ actions: inout [GossipAction]) {
        switch message {
        case .push(let shard, let records, let kind):
            onPush(shard: shard, records: records, kind: kind, from: peer, &actions)
        case .ihave(let shard, let entries):
            onIHave(shard: shard, entries: entries, from: peer, &actions)
        case .iwant(let ids):
            for id in ids {
                if let record = store.record(id), let shard = store.shard(of: id) {
                    enqueue(record, shard: shard, to: peer, request: true, kind: .response)
                } else if let record = retained[id], let shard = map.nearestShard(to: record.vector) {
                    enqueue(record, shard: shard, to: peer, request: true, kind: .response)
                }
            }
        case .reconcile(let shard, let ranges, let complete):
            onReconcile(shard: shard, ranges: ranges, complete: complete, from: peer, &actions)
        case .items(let shard, let prefix, let entries, let reply):
            onItems(shard: shard, prefix: prefix, entries: entries, reply: reply, from: peer, &actions)
        case .ack(let entries):
            onAck(entries, from: peer, &actions)
        }
    }

    /// Checks a record from a peer: its author's signature (and that it does not replace a record held
    /// under another author), vector shape, proof when it claims criticality, content hash
    /// against what was announced for it. Throws the error the sender is penalized for.
    func validate(_ record: MemoryRecord) throws(MeshError) {
        guard validVector(record.vector) else {
            throw MeshError(.invalidVector, "record \(record.id.short) does not fit the map's dimension")
        }
        if let announced = expected[record.id], announced.version == record.version,
            announced.contentHash != record.contentHash
        {
            throw MeshError(
                .wrongContentHash, "record \(record.id.short) v\(record.version) does not match its announced hash")
        }
        if configuration.requiresAuthorSignatures {
            do {
                try record.verifySignature(chainID: configuration.chainID)
            } catch {
                throw MeshError(.invalidSignature, error.message)
            }
            if let held = store.record(record.id), held.author != record.author {
                throw MeshError(
                    .invalidSignature,
                    "record \(record.id.short) belongs to \(held.author.short); a version by \(record.author.short) is forged"
                )
            }
        }
        if let proof = record.proof {
            do {
                try proof.verify(for: record, chainID: configuration.chainID)
            } catch {
                let code: MeshError.Code = proof.contentHash != record.contentHash ? .wrongContentHash : .invalidProof
                throw MeshError(code, error.message)
            }
        } else if record.importance >= configuration.criticalThreshold {
            throw MeshError(.invalidProof, "critical record \(record.id.short) carries no memory proof")
        }
    }

    mutating func onPush(
        shard: ShardID, records: [MemoryRecord], kind: PushKind, from peer: PublicKey, _ actions: inout [GossipAction]
    ) {
        var acknowledged: [RecordVersion] = []
        for record in records {
            do throws(MeshError) {
                try validate(record)
            } catch {
                let scoring = configuration.scoring
                let penalty =
                    error.code == .invalidProof
                    ? scoring.invalidProofPenalty
                    : error.code == .wrongContentHash ? scoring.wrongContentHashPenalty : scoring.malformedPenalty
                penalize(peer, penalty, error, &actions)
                if peers[peer]?.isGraylisted == true { return }
                continue
            }
            // The map decides the shard, not the sender.
            guard let actual = map.nearestShard(to: record.vector), hostedShards.contains(actual) else { continue }
            let version = RecordVersion(record)
            expected[record.id] = nil
            requested[record.id] = nil
            if kind == .handoff { acknowledged.append(version) }
            switch integrate(record, shard: actual) {
            case .inserted, .replaced:
                reward(peer)
                actions.append(.integrated(record, shard: actual))
                if retained[record.id] != nil { retained[record.id] = nil }
                // Only new writes fan out: answers and handoffs were asked for or are being repaired.
                if kind == .eager {
                    for other in proximityOrdered(placement[actual] ?? []) where other != peer {
                        announce(version, shard: actual, to: other)
                    }
                }
            case .stale:
                if kind != .handoff {
                    penalize(
                        peer, configuration.scoring.staleReplayPenalty,
                        MeshError(.staleVersion, "record \(record.id.short) v\(record.version) is older than held"),
                        &actions)
                    if peers[peer]?.isGraylisted == true { return }
                }
            case .duplicate, .lostTie, nil:
                break
            }
        }
        if !acknowledged.isEmpty { actions.append(.send(to: peer, .ack(entries: acknowledged))) }
    }

    mutating func onIHave(
        shard: ShardID, entries: [RecordVersion], from peer: PublicKey, _ actions: inout [GossipAction]
    ) {
        var wanted: [Hash256] = []
        for entry in entries {
            guard hostedShards.contains(shard) else { continue }
            if let held = store.version(of: entry.id), !entry.supersedes(held) { continue }
            // Bounded memory under an IHAVE flood: beyond the cap, repair finds what was missed.
            guard expected.count < configuration.maxOutstandingAnnouncements || expected[entry.id] != nil else {
                continue
            }
            if let known = expected[entry.id], !entry.supersedes(known), requested[entry.id] != nil,
                now < requested[entry.id]! + requestTimeoutMilliseconds
            {
                continue
            }
            expected[entry.id] = entry
            requested[entry.id] = now
            if configuration.iwantGraceMilliseconds == 0 {
                wanted.append(entry.id)
            } else if deferredWants[entry.id] == nil {
                deferredWants[entry.id] = (peer, now + configuration.iwantGraceMilliseconds)
            }
        }
        if !wanted.isEmpty { actions.append(.send(to: peer, .iwant(ids: wanted))) }
    }

    /// Requests announced records whose grace period ended and that the eager push did not bring.
    mutating func requestDeferredWants(_ actions: inout [GossipAction]) {
        var byPeer: [PublicKey: [Hash256]] = [:]
        for (id, want) in deferredWants where want.due <= now {
            deferredWants[id] = nil
            guard let announced = expected[id], peers[want.peer]?.isGraylisted != true else { continue }
            if let held = store.version(of: id), !announced.supersedes(held) { continue }
            requested[id] = now
            byPeer[want.peer, default: []].append(id)
        }
        for (peer, ids) in byPeer.sorted(by: { $0.key < $1.key }) {
            actions.append(.send(to: peer, .iwant(ids: ids.sorted())))
        }
    }
}

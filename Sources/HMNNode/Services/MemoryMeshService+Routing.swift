import HMNMesh
import HMNPrimitives

/// Answering for shards this node does not host: routed search (SPEC §9) and reads by id, over
/// ``MemoryRequest``/``MemoryResponse``.
extension MemoryMeshService {
    /// Routes `query` by the shard map: the optimal shards first (the nearest centroid's, and any
    /// near tie, ``QueryRouter/plan(_:map:)``); when λ is below the router's direct threshold and that
    /// answer is poor, the next-nearest shards too (``QueryRouter``). Hosted shards are searched
    /// here, the others on one of their replicas (the next replica when one does not answer in
    /// time). With ``MemorySearchQuery/allShards`` every shard is asked.
    func routedSearch(
        _ query: MemorySearchQuery, lambda: FixedPoint, placement: MemoryPlacement, messenger: any PeerMessenger
    ) async throws(NodeError) -> MemorySearchResult {
        let map = placement.map
        let (optimal, rest) = router.plan(query.vector, map: map)
        guard !optimal.isEmpty else {
            return MemorySearchResult(hits: [], servedShards: [], routing: "direct", totalShards: 0)
        }
        if query.allShards {
            let every = optimal + rest
            let (hits, missing) = try await searchShards(every, query, placement: placement, messenger: messenger)
            return result(hits, k: query.k, served: every, routing: "all", map: map, missing: missing)
        }
        var (hits, missing) = try await searchShards(optimal, query, placement: placement, messenger: messenger)
        var served = optimal
        let routed = hits.map { RoutedHit(id: $0.record.id, distance: $0.distance, shard: optimal[0]) }
        if lambda < router.policy.directLambda, router.isPoor(router.merge(routed), k: query.k) {
            let more = Array(rest.prefix(router.policy.fallbackShards))
            let (extra, extraMissing) = try await searchShards(more, query, placement: placement, messenger: messenger)
            hits += extra
            missing += extraMissing
            served += more
        }
        return result(
            hits, k: query.k, served: served, routing: served.count > optimal.count ? "fallback" : "direct",
            map: map, missing: missing)
    }

    private func result(
        _ hits: [MemorySearchHit], k: Int, served: [ShardID], routing: String, map: ShardMap, missing: [ShardID]
    ) -> MemorySearchResult {
        // The router's order: closest first, one hit per id (a record moving between shards may
        // answer twice).
        let byID = Dictionary(
            hits.map { ($0.record.id, $0) }, uniquingKeysWith: { $0.distance <= $1.distance ? $0 : $1 })
        let merged = router.merge(hits.map { RoutedHit(id: $0.record.id, distance: $0.distance, shard: 0) })
            .compactMap { byID[$0.id] }
        return MemorySearchResult(
            hits: Array(merged.prefix(k)), servedShards: served, routing: routing, totalShards: map.shards.count,
            unavailableShards: missing.sorted())
    }

    /// Searches `shards`: the hosted ones in the local store (one search), each other one on a
    /// replica, replicas asked concurrently. Returns the hits and the shards nobody answered for.
    func searchShards(
        _ shards: [ShardID], _ query: MemorySearchQuery, placement: MemoryPlacement, messenger: any PeerMessenger
    ) async throws(NodeError) -> (hits: [MemorySearchHit], missing: [ShardID]) {
        let local = Set(shards).intersection(placement.hosted)
        var hits = local.isEmpty ? [] : try localSearch(query, shards: local)
        let remote = shards.filter { !local.contains($0) }
        // A hosted shard still settling here (newly hosted: its records may be on their way) is
        // also asked of a co-replica, and the answers merged; a co-replica that does not answer
        // leaves the local answer as it is.
        let confirm = shards.filter { local.contains($0) && !replicator.isSettled($0) }
        let answers = await withTaskGroup(of: (ShardID, [MemorySearchHit]?, Bool).self) { group in
            for shard in remote {
                group.addTask {
                    (shard, await self.searchOnReplica(shard, query, placement: placement, messenger: messenger), true)
                }
            }
            for shard in confirm {
                group.addTask {
                    (shard, await self.searchOnReplica(shard, query, placement: placement, messenger: messenger), false)
                }
            }
            var collected: [(ShardID, [MemorySearchHit]?, Bool)] = []
            for await answer in group { collected.append(answer) }
            return collected
        }
        var missing: [ShardID] = []
        for (shard, answer, required) in answers {
            if let answer { hits += answer } else if required { missing.append(shard) }
        }
        if !remote.isEmpty, missing.count == remote.count, local.isEmpty {
            throw NodeError(
                .unavailable,
                "no replica of shard(s) \(missing.sorted().map(String.init).joined(separator: ", ")) answered")
        }
        return (hits, missing)
    }

    /// Asks `shard`'s replicas one after another (their rendezvous order) until one answers.
    private func searchOnReplica(
        _ shard: ShardID, _ query: MemorySearchQuery, placement: MemoryPlacement, messenger: any PeerMessenger
    ) async -> [MemorySearchHit]? {
        let body = MemoryRequest.Body.search(
            shards: [shard], vector: query.vector, k: UInt32(clamping: query.k), author: query.author,
            minimumRPHV: query.minimumRPHV)
        for replica in reachableReplicas(of: shard, placement) {
            guard let answer = await requests.ask(body, of: replica, messenger: messenger) else {
                metrics.memoryRemoteFailures.increment()
                logger.debug(
                    "memory search: a replica did not answer",
                    metadata: ["shard": "\(shard)", "peer": "\(replica.short)"])
                continue
            }
            metrics.memoryRemoteRequests.increment()
            guard case .hits(let records, let distances) = answer else { continue }
            return zip(records, distances).compactMap { record, distance in
                authentic(record, from: replica) ? MemorySearchHit(record: record, distance: distance) : nil
            }
        }
        return nil
    }

    /// Record `id` from whichever validator holds it (all asked at once; the first authentic answer).
    /// nil when every validator answered that it lacks the record; `unavailable` when none had it
    /// but some did not answer (or none is connected), so "not found" is said only when it is known.
    func remoteRecord(id: Hash256, placement: MemoryPlacement, messenger: any PeerMessenger) async throws(NodeError)
        -> MemoryRecord?
    {
        let validators = placement.map.nodes.map(\.key).filter { $0 != placement.node }
        let peers = validators.filter { replicator.isConnected($0) }
        enum Answer: Sendable {
            case found(MemoryRecord)
            case lacks
            case silent
        }
        let (found, silent) = await withTaskGroup(of: Answer.self) { group in
            for peer in peers {
                group.addTask {
                    switch await self.requests.ask(.record(id: id), of: peer, messenger: messenger) {
                    case .record(let record?) where record.id == id && self.authentic(record, from: peer):
                        return .found(record)
                    case .record(nil): return .lacks
                    default: return .silent
                    }
                }
            }
            var silent = 0
            for await answer in group {
                switch answer {
                case .found(let record):
                    group.cancelAll()
                    return (Optional(record), silent)
                case .lacks: break
                case .silent: silent += 1
                }
            }
            return (nil, silent)
        }
        if let found { return found }
        let unreachable = silent + validators.count - peers.count
        guard unreachable == 0 else {
            throw NodeError(
                .unavailable,
                "memory record \(id.short) is not held here and \(unreachable) of \(validators.count) other validators did not answer"
            )
        }
        return nil
    }

    /// A write for a shard this node does not host is checked against the copy a replica holds, as a
    /// replica checks it: a stale version or another author's overwrite is refused here, with a typed
    /// error, rather than relayed (the replicas would refuse it and score this node for relaying a
    /// forgery). When no replica answers the write is taken; the replicas check it on arrival.
    func precheckOnReplica(_ record: MemoryRecord, messenger: any PeerMessenger) async throws(NodeError) {
        guard let placement = replicator.placement, let shard = placement.map.nearestShard(to: record.vector),
            !placement.hosted.contains(shard)
        else { return }
        for replica in reachableReplicas(of: shard, placement) {
            guard case .record(let held) = await requests.ask(.record(id: record.id), of: replica, messenger: messenger)
            else { continue }
            if let held, held.id == record.id, authentic(held, from: replica) {
                try Self.checkOverwrite(of: held, by: record)
            }
            return
        }
    }

    /// `shard`'s replicas other than this node that have a live session, in rendezvous order: asking
    /// one that is down would only cost the request timeout.
    func reachableReplicas(of shard: ShardID, _ placement: MemoryPlacement) -> [PublicKey] {
        placement.map.replicas(of: shard).filter { $0 != placement.node && replicator.isConnected($0) }
    }

    /// A record from a peer must carry its author's valid signature: a replica cannot invent one.
    private func authentic(_ record: MemoryRecord, from peer: PublicKey) -> Bool {
        do {
            try record.verifySignature(chainID: chainID)
            return true
        } catch {
            logger.warning(
                "memory: a peer answered with a record its author did not sign",
                metadata: ["peer": "\(peer.short)", "record": "\(record.id.short)"])
            return false
        }
    }

    /// Answers another node's question from this node's store.
    public func answer(_ request: MemoryRequest) -> MemoryResponse {
        let body: MemoryResponse.Body
        switch request.body {
        case .search(let shards, let vector, let k, let author, let minimumRPHV):
            do {
                let query = MemorySearchQuery(
                    vector: vector, k: Int(k), author: author, minimumRPHV: minimumRPHV)
                let hits = try localSearch(query, shards: Set(shards))
                // Records exactly as written, so the asker can check their authors' signatures.
                let written = hits.compactMap { hit in
                    (try? store.writtenRecord(id: hit.record.id)).flatMap { $0 }.map { ($0, hit.distance) }
                }
                body = .hits(records: written.map(\.0), distances: written.map(\.1))
            } catch {
                body = .failed(error.message)
            }
        case .record(let id):
            do {
                body = .record(try store.writtenRecord(id: id))
            } catch {
                body = .failed("record \(id.short) failed its check here")
            }
        }
        return MemoryResponse(requestID: request.requestID, body: body)
    }
}

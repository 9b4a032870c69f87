import HMNMesh
import HMNPrimitives
import Testing

@Suite("Gossip engine")
struct GossipEngineTests {
    let keys = (0..<3).map { MeshTestSupport.key(10 + $0) }
    var map: ShardMap { MeshTestSupport.map(centroids: [[1, 0, 0, 0]], nodes: keys.map(\.publicKey)) }
    let chainID = "hmn-test"

    func engine(_ index: Int, configure: (inout GossipConfiguration) -> Void = { _ in }) -> GossipEngine {
        var configuration = GossipConfiguration(chainID: chainID)
        configure(&configuration)
        var engine = GossipEngine(
            configuration: configuration, signingKey: keys[index], map: map, lambda: .one,
            logger: MeshTestSupport.logger())
        for (peer, key) in keys.enumerated() where peer != index {
            _ = engine.handle(.peerJoined(key.publicKey, rttMilliseconds: 10), nowMilliseconds: 0)
        }
        return engine
    }

    func record(by author: Int, id: UInt8, version: UInt64 = 1, importance: Double = 0.5, payload: UInt8 = 0)
        -> MemoryRecord
    {
        MemoryRecord(
            id: Hash256.of([id]), vector: [1, 0.1, 0, 0], payload: [payload], author: keys[author].publicKey,
            version: version, importance: FixedPoint(exactly: importance)!
        ).signed(chainID: chainID, key: keys[author])
    }

    /// `record` signed again by its author after a test changed it.
    func resigned(_ record: MemoryRecord) -> MemoryRecord {
        record.signed(chainID: chainID, key: keys.first { $0.publicKey == record.author }!)
    }

    func criticalRecord(by author: Int, id: UInt8) -> MemoryRecord {
        var critical = record(by: author, id: id, importance: 0.9)
        critical.proof = MemoryProof(
            record: critical, rphv: FixedPoint(raw: 900_000), timestampMilliseconds: 5, chainID: chainID,
            key: keys[author])
        return resigned(critical)
    }

    static func rejections(_ actions: [GossipAction]) -> [MeshError.Code] {
        actions.compactMap { if case .rejected(_, let error) = $0 { error.code } else { nil } }
    }

    @Test("A critical local write is signed, committed and pushed; a replica verifies and integrates it")
    func criticalWrite() throws {
        var writer = engine(0)
        var replica = engine(1)
        let actions = writer.handle(.localWrite(record(by: 0, id: 1, importance: 0.95)), nowMilliseconds: 42)
        let proofs = actions.compactMap { if case .commitProof(let proof) = $0 { proof } else { nil } }
        let proof = try #require(proofs.first)
        #expect(proof.isCritical && proof.timestampMilliseconds == 42)
        let pushes = actions.compactMap { action -> GossipMessage? in
            if case .send(let peer, let message) = action, peer == keys[1].publicKey { return message }
            return nil
        }
        let push = try #require(pushes.first)
        let received = replica.handle(.received(push, from: keys[0].publicKey), nowMilliseconds: 50)
        #expect(received.contains { if case .integrated(let got, _) = $0 { got.proof == proof } else { false } })
        #expect(Self.rejections(received).isEmpty)
    }

    @Test("A local write that is not newer, or has a bad vector, is a typed error and sends nothing")
    func badLocalWrites() {
        var writer = engine(0)
        _ = writer.handle(.localWrite(record(by: 0, id: 60, version: 2)), nowMilliseconds: 1)
        let stale = writer.handle(.localWrite(record(by: 0, id: 60, version: 1)), nowMilliseconds: 2)
        #expect(Self.rejections(stale) == [.staleVersion])
        #expect(!stale.contains { if case .send = $0 { true } else { false } })
        var wrongShape = record(by: 0, id: 61)
        wrongShape.vector = [1, .nan, 0, 0]
        #expect(Self.rejections(writer.handle(.localWrite(wrongShape), nowMilliseconds: 3)) == [.invalidVector])
        #expect(writer.store.count == 1)
    }

    @Test("A forged proof is rejected and the sender's score falls")
    func forgedProof() throws {
        var target = engine(0)
        var forged = criticalRecord(by: 1, id: 2)
        // Signature of another record: well formed, but not over this proof's bytes.
        forged.proof!.authorSignature = criticalRecord(by: 1, id: 3).proof!.authorSignature
        let actions = target.handle(
            .received(.push(shard: 0, records: [forged], kind: .eager), from: keys[1].publicKey), nowMilliseconds: 1)
        #expect(Self.rejections(actions) == [.invalidProof])
        #expect(target.store.record(forged.id) == nil)
        #expect(try #require(target.peers[keys[1].publicKey]).score < 0)
        // A critical record with no proof at all is rejected the same way.
        var bare = criticalRecord(by: 1, id: 4)
        bare.proof = nil
        let second = target.handle(
            .received(.push(shard: 0, records: [bare], kind: .eager), from: keys[1].publicKey), nowMilliseconds: 2)
        #expect(Self.rejections(second) == [.invalidProof])
    }

    @Test("A record without its author's signature, with a bad one, or a forged overwrite by another author is rejected and scored")
    func authorSignatures() throws {
        var target = engine(0)
        func push(_ record: MemoryRecord, from peer: Int, at time: UInt64) -> [GossipAction] {
            target.handle(
                .received(.push(shard: 0, records: [record], kind: .eager), from: keys[peer].publicKey),
                nowMilliseconds: time)
        }
        var unsigned = record(by: 1, id: 40)
        unsigned.signature = nil
        #expect(Self.rejections(push(unsigned, from: 1, at: 1)) == [.invalidSignature])
        var altered = record(by: 1, id: 41)
        altered.importance = FixedPoint(exactly: 0.1)!  // the author declared 0.5
        #expect(Self.rejections(push(altered, from: 1, at: 2)) == [.invalidSignature])
        #expect(target.store.count == 0)

        // The author's record arrives; then a replica pushes a "newer" version under its own key.
        let original = record(by: 1, id: 42)
        #expect(Self.rejections(push(original, from: 1, at: 3)).isEmpty)
        let forged = MemoryRecord(
            id: original.id, vector: original.vector, payload: [66], author: keys[2].publicKey, version: 9
        ).signed(chainID: chainID, key: keys[2])
        #expect(Self.rejections(push(forged, from: 2, at: 4)) == [.invalidSignature])
        #expect(target.store.record(original.id) == original)
        #expect(try #require(target.peers[keys[2].publicKey]).score < 0)
        // A real newer version from the author replaces it.
        let newer = record(by: 1, id: 42, version: 2, payload: 5)
        #expect(Self.rejections(push(newer, from: 1, at: 5)).isEmpty)
        #expect(target.store.record(original.id) == newer)
    }

    @Test("A record whose content differs from its announced or proven hash is rejected")
    func wrongContentHash() throws {
        var target = engine(0) { $0.iwantGraceMilliseconds = 0 }
        let announced = record(by: 1, id: 5, payload: 1)
        let ihave = target.handle(
            .received(.ihave(shard: 0, entries: [RecordVersion(announced)]), from: keys[1].publicKey),
            nowMilliseconds: 1)
        #expect(ihave.contains { if case .send(_, .iwant(let ids)) = $0 { ids == [announced.id] } else { false } })
        let swapped = record(by: 1, id: 5, payload: 2)
        let actions = target.handle(
            .received(.push(shard: 0, records: [swapped], kind: .eager), from: keys[1].publicKey),
            nowMilliseconds: 2)
        #expect(Self.rejections(actions) == [.wrongContentHash])
        #expect(target.store.record(announced.id) == nil)
        // A proof for other content.
        var tampered = criticalRecord(by: 1, id: 6)
        tampered.payload = [77]
        tampered = resigned(tampered)  // the author's signature is fine; the proof is for other content
        let second = target.handle(
            .received(.push(shard: 0, records: [tampered], kind: .eager), from: keys[1].publicKey),
            nowMilliseconds: 3)
        #expect(Self.rejections(second) == [.wrongContentHash])
        #expect(try #require(target.peers[keys[1].publicKey]).score < -50)
    }

    @Test("A replayed stale version is rejected and costs score; repeated invalid data graylists the peer")
    func staleReplayAndGraylist() throws {
        var target = engine(0)
        let newer = record(by: 1, id: 7, version: 2)
        _ = target.handle(
            .received(.push(shard: 0, records: [newer], kind: .eager), from: keys[2].publicKey), nowMilliseconds: 1)
        let stale = record(by: 1, id: 7, version: 1)
        var graylisted = false
        for round in 0..<10 {
            let actions = target.handle(
                .received(.push(shard: 0, records: [stale], kind: .eager), from: keys[1].publicKey),
                nowMilliseconds: UInt64(2 + round))
            if round == 0 { #expect(Self.rejections(actions) == [.staleVersion]) }
            if actions.contains(.graylisted(keys[1].publicKey)) { graylisted = true }
        }
        #expect(target.store.record(newer.id) == newer)
        let state = try #require(target.peers[keys[1].publicKey])
        #expect(graylisted && state.isGraylisted)
        // A graylisted peer is ignored, even with valid data.
        let ignored = target.handle(
            .received(.push(shard: 0, records: [record(by: 1, id: 8)], kind: .eager), from: keys[1].publicKey),
            nowMilliseconds: 20)
        #expect(ignored.isEmpty)
        #expect(target.store.record(Hash256.of([8])) == nil)
    }

    @Test("Malformed bytes through MeshGossip cost score and change nothing")
    func malformedBytes() throws {
        var gossip = MeshGossip(engine: engine(0))
        let outputs = gossip.receive([0, 0, 0], from: keys[1].publicKey, nowMilliseconds: 1)
        #expect(outputs.count == 1)
        #expect(try #require(gossip.engine.peers[keys[1].publicKey]).score < 0)
        #expect(gossip.engine.store.count == 0)
        let valid = GossipMessage.push(shard: 0, records: [record(by: 1, id: 9)], kind: .eager).canonicalBytes
        let accepted = gossip.receive(valid, from: keys[1].publicKey, nowMilliseconds: 2)
        #expect(accepted.contains { if case .integrated = $0 { true } else { false } })
    }

    @Test("Queued records go out critical first, then most recent, then requested")
    func priorities() throws {
        var source = engine(0) { $0.maxQueuedBytesPerPeerPerTick = 1 }
        var old = record(by: 0, id: 20)
        old.updatedAtMilliseconds = 1
        var recent = record(by: 0, id: 21)
        recent.updatedAtMilliseconds = 100
        var critical = criticalRecord(by: 0, id: 22)
        critical.updatedAtMilliseconds = 0
        critical.proof = MemoryProof(
            record: critical, rphv: FixedPoint(raw: 900_000), timestampMilliseconds: 0, chainID: chainID, key: keys[0])
        for item in [old, recent, critical].map(resigned) {
            _ = source.handle(
                .received(.push(shard: 0, records: [item], kind: .eager), from: keys[2].publicKey),
                nowMilliseconds: 0)
        }
        var order: [Hash256] = []
        var actions = source.handle(
            .received(.iwant(ids: [old.id, recent.id, critical.id]), from: keys[1].publicKey), nowMilliseconds: 1)
        for tick in 0..<4 {
            for case .send(let peer, .push(_, let records, _)) in actions where peer == keys[1].publicKey {
                order.append(contentsOf: records.map(\.id))
            }
            actions = source.handle(.tick, nowMilliseconds: UInt64(2 + tick))
        }
        #expect(order == [critical.id, recent.id, old.id])
    }

    @Test("A record is checked against its Layer-1 commitment")
    func commitment() async throws {
        let sink = InMemoryProofSink()
        let critical = criticalRecord(by: 1, id: 30)
        try await sink.submit(critical.proof!)
        #expect(try await critical.verifyCommitment(in: sink, chainID: chainID) == true)
        #expect(try await record(by: 1, id: 31).verifyCommitment(in: sink, chainID: chainID) == nil)
        var changed = critical
        changed.payload = [1, 2, 3]
        await #expect(throws: MeshError.self) { try await changed.verifyCommitment(in: sink, chainID: chainID) }
        #expect(throws: MeshError.self) {
            try critical.verify(againstCommitted: critical.proof!, chainID: "another-chain")
        }
    }

    @Test("Shard digests: equal content gives equal digests on every replica")
    func digests() {
        var first = engine(0)
        var second = engine(1)
        let records = (40..<50).map { record(by: 0, id: UInt8($0)) }
        for item in records {
            _ = first.handle(
                .received(.push(shard: 0, records: [item], kind: .eager), from: keys[2].publicKey), nowMilliseconds: 0)
        }
        for item in records.reversed() {
            _ = second.handle(
                .received(.push(shard: 0, records: [item], kind: .eager), from: keys[2].publicKey), nowMilliseconds: 0)
        }
        #expect(first.shardDigests() == second.shardDigests())
        #expect(first.shardDigests().map(\.shard) == [0])
        let extensionValue = VoteExtension(lambdaProposal: .one, shardDigests: first.shardDigests())
        #expect(extensionValue.isCanonical)
    }
}

@Suite("Gossip engine restore")
struct GossipEngineRestoreTests {
    let base = GossipEngineTests()

    @Test("restore merges hosted records without sending; the restored engine's digest equals the writer's")
    func restore() {
        var writer = base.engine(0)
        let records = (0..<10).map { base.record(by: 0, id: UInt8($0)) }
        for record in records { _ = writer.handle(.localWrite(record), nowMilliseconds: 1) }
        var restarted = base.engine(1)
        #expect(restarted.restore(records + [records[0]]) == 10, "a duplicate merges once")
        #expect(restarted.shardDigests() == writer.shardDigests())
        var wrongShape = base.record(by: 0, id: 99)
        wrongShape.vector = [1, 2]
        #expect(restarted.restore([wrongShape]) == 0)
        // Nothing was queued: the next tick sends only what a tick always sends.
        let actions = restarted.handle(.tick, nowMilliseconds: 2)
        #expect(!actions.contains { if case .send(_, .push) = $0 { true } else { false } })
    }
}

import HMNMesh
import HMNPrimitives
import Logging

/// Memory-mesh gossip from a peer's bytes on: ``GossipMessage``'s size-limited decoder, then the
/// whole ``MeshGossip`` surface of a node that already holds records and knows two peers, followed
/// by one timer tick so queued answers go out — one message (`gossipMessage`) or a session of up to
/// ``maxSessionMessages`` from two peers (`gossipSession`).
///
/// Oracle, beyond "does not crash":
/// - accepted bytes re-encode identically (the encoding is canonical);
/// - refused bytes cost the sender score and change nothing else (the only outputs are the
///   rejection and possibly a graylisting; the record store is untouched);
/// - every record the engine integrates fits the map's dimension, is finite, lands in the shard
///   the map assigns and that this node hosts, and is critical only with a proof that verifies;
/// - every message the engine sends decodes under the same limits, so a peer never penalizes an
///   honest node for its own answers.
enum GossipFuzzing {
    static let configuration = GossipConfiguration(chainID: FuzzCorpus.chainID)
    /// Who the fuzzed bytes come from.
    static let sender = FuzzCorpus.bob.publicKey

    /// A node (alice) hosting both shards of a two-shard map, peers bob and carol, holding the
    /// records carol pushed. Copied per input (a value type), so every run starts from here.
    static let prepared: MeshGossip = {
        var gossip = MeshGossip(
            configuration: configuration, signingKey: FuzzCorpus.alice, map: FuzzCorpus.shardMap, lambda: .one,
            logger: Logger(label: "hmn.fuzz", factory: { _ in SwiftLogNoOpLogHandler() }))
        _ = gossip.handle(.start, nowMilliseconds: 0)
        for peer in [FuzzCorpus.bob, FuzzCorpus.carol] {
            _ = gossip.handle(.peerJoined(peer.publicKey, rttMilliseconds: 10), nowMilliseconds: 0)
        }
        let push = GossipMessage.push(shard: 0, records: FuzzCorpus.heldRecords, kind: .eager)
        _ = gossip.receive(push.canonicalBytes, from: FuzzCorpus.carol.publicKey, nowMilliseconds: 1)
        return gossip
    }()

    static func decode(_ bytes: [UInt8]) -> GossipMessage? {
        try? GossipMessage(wireBytes: bytes, maxBytes: configuration.maxMessageBytes)
    }

    /// Runs one input; returns whether the message decoded.
    @discardableResult
    static func message(_ bytes: [UInt8]) -> Bool {
        var gossip = prepared
        return deliver(bytes, from: sender, to: &gossip, nowMilliseconds: 100, tickMilliseconds: 1_000)
    }

    /// Longest session: enough for announce → request → answer → acknowledge chains.
    static let maxSessionMessages = 16

    /// A sequence of messages from bob and carol, each followed by a tick 40 ms later, so the
    /// engine's state between messages (expected announcements, deferred requests, queued answers,
    /// handoffs, scores) is explored too. Input: frames of [peer: 1 byte, even = bob, odd = carol]
    /// [length: 2 bytes, big-endian] [message bytes]; a last frame shorter than its length takes
    /// what remains.
    @discardableResult
    static func session(_ input: [UInt8]) -> MeshGossip {
        var gossip = prepared
        var now: UInt64 = 100
        var offset = 0
        for _ in 0..<maxSessionMessages where offset + 3 <= input.count {
            let peer = input[offset] & 1 == 0 ? FuzzCorpus.bob.publicKey : FuzzCorpus.carol.publicKey
            let length = Int(input[offset + 1]) << 8 | Int(input[offset + 2])
            let end = min(input.count, offset + 3 + length)
            deliver(
                Array(input[(offset + 3)..<end]), from: peer, to: &gossip, nowMilliseconds: now,
                tickMilliseconds: now + 40)
            offset = end
            now += 40
        }
        return gossip
    }

    /// The frames of a session (the inverse of ``session(_:)``'s framing), for seeds.
    static func sessionBytes(_ messages: [(peer: UInt8, message: GossipMessage)]) -> [UInt8] {
        messages.flatMap { frame($1.canonicalBytes, from: $0) }
    }

    /// One frame: `bytes` (under 64 KiB) from `peer` (even = bob, odd = carol).
    static func frame(_ bytes: [UInt8], from peer: UInt8) -> [UInt8] {
        [peer, UInt8(bytes.count >> 8), UInt8(bytes.count & 0xFF)] + bytes
    }

    /// Hands `bytes` from `peer` to `gossip`, then ticks at `tickMilliseconds`, checking every
    /// output; returns whether the bytes decoded.
    @discardableResult
    static func deliver(
        _ bytes: [UInt8], from peer: PublicKey, to gossip: inout MeshGossip, nowMilliseconds: UInt64,
        tickMilliseconds: UInt64
    ) -> Bool {
        let decoded = decode(bytes)
        if let decoded {
            precondition(decoded.canonicalBytes == bytes, "GossipMessage accepted a non-canonical encoding")
        }
        let storeBefore = gossip.engine.store
        let outputs = gossip.receive(bytes, from: peer, nowMilliseconds: nowMilliseconds)
        if decoded == nil {
            for output in outputs {
                switch output {
                case .rejected(let from, let error):
                    precondition(
                        from == peer && (error.code == .malformedMessage || error.code == .oversizeMessage),
                        "undecodable bytes were answered with \(error)")
                case .graylisted(let from): precondition(from == peer, "graylisted a bystander")
                default: preconditionFailure("undecodable bytes caused \(output)")
                }
            }
            precondition(gossip.engine.store == storeBefore, "undecodable bytes changed the store")
        } else {
            for output in outputs { check(output, gossip.engine) }
        }
        for output in gossip.handle(.tick, nowMilliseconds: tickMilliseconds) { check(output, gossip.engine) }
        return decoded != nil
    }

    static func check(_ output: MeshGossip.Output, _ engine: GossipEngine) {
        switch output {
        case .send(_, let bytes):
            precondition(decode(bytes) != nil, "the engine sent a message its peers reject (\(bytes.count) bytes)")
        case .integrated(let record, let shard):
            precondition(
                record.vector.count == Int(engine.map.dimension) && record.vector.allSatisfy(\.isFinite),
                "integrated a record whose vector does not fit the map")
            precondition(
                engine.map.nearestShard(to: record.vector) == shard && engine.shards.contains(shard),
                "integrated a record into shard \(shard), which the map does not assign it or this node does not host")
            if let proof = record.proof {
                precondition(
                    (try? proof.verify(for: record, chainID: configuration.chainID)) != nil,
                    "integrated a record whose proof does not verify")
            } else {
                precondition(
                    record.importance < configuration.criticalThreshold, "integrated a critical record without proof")
            }
        default:
            break
        }
    }
}

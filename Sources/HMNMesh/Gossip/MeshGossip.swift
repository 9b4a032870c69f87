import HMNPrimitives
import Logging

/// The gossip engine behind a byte-level surface, for a node whose transport moves bytes between
/// peer keys (the node's `MemoryReplicator` can adopt it): inputs are wire bytes and peer keys,
/// outputs are wire bytes to send, timers, and the records and proofs to persist.
///
/// Decoding is size-limited and typed: bytes that are too large or do not decode cost the sender
/// score (``GossipEvent/malformed(_:from:)``) and change nothing else.
public struct MeshGossip: Sendable {
    /// What the shell does for the node.
    public enum Output: Hashable, Sendable {
        case send(to: PublicKey, bytes: [UInt8])
        case schedule(afterMilliseconds: UInt64)
        case integrated(MemoryRecord, shard: ShardID)
        case dropped(Hash256)
        /// Hand to a ``MemoryProofSink``.
        case commitProof(MemoryProof)
        case rejected(from: PublicKey, MeshError)
        case graylisted(PublicKey)
    }

    public private(set) var engine: GossipEngine

    public init(engine: GossipEngine) {
        self.engine = engine
    }

    public init(
        configuration: GossipConfiguration, signingKey: SigningKey, map: ShardMap, lambda: FixedPoint,
        logger: Logger
    ) {
        self.engine = GossipEngine(
            configuration: configuration, signingKey: signingKey, map: map, lambda: lambda, logger: logger)
    }

    /// Bytes from `peer`.
    public mutating func receive(_ bytes: [UInt8], from peer: PublicKey, nowMilliseconds: UInt64) -> [Output] {
        do {
            let message = try GossipMessage(wireBytes: bytes, maxBytes: engine.configuration.maxMessageBytes)
            return run(.received(message, from: peer), nowMilliseconds)
        } catch {
            return run(.malformed(error, from: peer), nowMilliseconds)
        }
    }

    /// Seeds the replica state from persisted records, sending nothing (``GossipEngine/restore(_:)``).
    @discardableResult
    public mutating func restore(_ records: [MemoryRecord]) -> Int { engine.restore(records) }

    /// The engine's settled per-shard digests (``GossipEngine/settledShardDigests(cutoffMilliseconds:)``).
    public mutating func settledShardDigests(cutoffMilliseconds: UInt64) -> [ShardDigest] {
        engine.settledShardDigests(cutoffMilliseconds: cutoffMilliseconds)
    }

    /// Any other event (start, tick, local write, peers, map, λ).
    public mutating func handle(_ event: GossipEvent, nowMilliseconds: UInt64) -> [Output] {
        run(event, nowMilliseconds)
    }

    private mutating func run(_ event: GossipEvent, _ now: UInt64) -> [Output] {
        engine.handle(event, nowMilliseconds: now).map { action in
            switch action {
            case .send(let peer, let message): .send(to: peer, bytes: message.canonicalBytes)
            case .schedule(let delay): .schedule(afterMilliseconds: delay)
            case .integrated(let record, let shard): .integrated(record, shard: shard)
            case .dropped(let id): .dropped(id)
            case .commitProof(let proof): .commitProof(proof)
            case .rejected(let peer, let error): .rejected(from: peer, error)
            case .graylisted(let peer): .graylisted(peer)
            }
        }
    }
}

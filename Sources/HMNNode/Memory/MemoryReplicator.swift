import HMNMesh
import HMNPrimitives

/// Sends node messages to peers; the ``FullNode`` provides it to its services.
public protocol PeerMessenger: Sendable {
    /// Sends to every connected peer except `excluding`.
    func broadcast(_ message: NodeMessage, excluding: PublicKey?) async
    func send(_ message: NodeMessage, to peer: PublicKey) async
}

/// How a locally written memory record reaches the other nodes. Small on purpose, so the mesh's
/// gossip state machine (eager push to a mesh, lazy IHAVE/IWANT, digest repair — SPEC §9, issue 6)
/// can replace the simple push below without touching the node.
public protocol MemoryReplicator: Sendable {
    /// A record was written on this node: spread it.
    func replicate(_ record: MemoryRecord, messenger: any PeerMessenger) async
    /// A peer pushed a record that this node stored (true) or already had (false); a relaying
    /// replicator forwards new records here.
    func received(_ record: MemoryRecord, from peer: PublicKey, stored: Bool, messenger: any PeerMessenger) async
}

/// The simplest replicator: the writer pushes every record to all connected peers, which upsert it
/// idempotently (an equal version is "already have it"). Correct for a full mesh of validators;
/// records missed while a peer was down are not repaired (that is what issue 6's digests add).
public struct PushToAllReplicator: MemoryReplicator {
    public init() {}

    public func replicate(_ record: MemoryRecord, messenger: any PeerMessenger) async {
        await messenger.broadcast(.memoryRecord(record), excluding: nil)
    }

    public func received(_ record: MemoryRecord, from peer: PublicKey, stored: Bool, messenger: any PeerMessenger)
        async
    {}
}

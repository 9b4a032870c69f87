import HMNLedger
import HMNMesh
import HMNPrimitives

/// Sends node messages to peers; the ``FullNode`` provides it to its services.
public protocol PeerMessenger: Sendable {
    /// Sends to every connected peer except `excluding`.
    func broadcast(_ message: NodeMessage, excluding: PublicKey?) async
    func send(_ message: NodeMessage, to peer: PublicKey) async
}

/// How memory records reach the other nodes. The node hands a replicator its local writes, the
/// records and gossip bytes peers send, peer arrivals and departures and λ changes, and runs its
/// timers; the replicator decides what to send. ``MeshGossipReplicator`` (the default of
/// ``FullNode/open(home:transport:options:logger:)``) runs the memory mesh's gossip state machine;
/// ``PushToAllReplicator`` is the minimal one.
public protocol MemoryReplicator: Sendable {
    /// A record was written on this node: spread it.
    func replicate(_ record: MemoryRecord, messenger: any PeerMessenger) async
    /// A peer pushed a record (`NodeMessage.memoryRecord`) that this node stored (true) or already
    /// had (false); a relaying replicator forwards new records here.
    func received(_ record: MemoryRecord, from peer: PublicKey, stored: Bool, messenger: any PeerMessenger) async
    /// Gossip bytes from a peer (`NodeMessage.meshGossip`).
    func receiveGossip(_ bytes: [UInt8], from peer: PublicKey, messenger: any PeerMessenger) async
    func peerConnected(_ peer: PublicKey, messenger: any PeerMessenger) async
    func peerDisconnected(_ peer: PublicKey) async
    /// The chain's λ after a commit (it paces gossip, SPEC §9).
    func lambdaChanged(_ lambda: FixedPoint) async
    /// Runs the replicator's timers until the task is cancelled.
    func run(messenger: any PeerMessenger) async
    /// After a commit: the validator set (it places shards) and the block's shard-map proposals
    /// (they split shards), SPEC §9.
    func committed(
        validators: [ValidatorStatus], shardMapProposals: [CommittedShardMapProposal], messenger: any PeerMessenger
    ) async
    /// Where shards live; nil when every node holds every record (searches stay local).
    var placement: MemoryPlacement? { get }
    /// The shard of a record this node holds, when the replicator places records by shard.
    func shard(of id: Hash256) -> ShardID?
    /// Whether `peer` has a live session (only those are asked for searches and reads).
    func isConnected(_ peer: PublicKey) -> Bool
    /// Whether this node's copy of a hosted shard answers for it alone (false while it may still be
    /// receiving the shard's records: a search then asks a co-replica too).
    func isSettled(_ shard: ShardID) -> Bool
}

/// The shard map a node routes by, and the shards it hosts under it.
public struct MemoryPlacement: Hashable, Sendable {
    public var map: ShardMap
    public var hosted: Set<ShardID>
    /// This node.
    public var node: PublicKey

    public init(map: ShardMap, hosted: Set<ShardID>, node: PublicKey) {
        self.map = map
        self.hosted = hosted
        self.node = node
    }
}

extension MemoryReplicator {
    /// Replicators without gossip ignore it.
    public func receiveGossip(_ bytes: [UInt8], from peer: PublicKey, messenger: any PeerMessenger) async {}
    public func peerConnected(_ peer: PublicKey, messenger: any PeerMessenger) async {}
    public func peerDisconnected(_ peer: PublicKey) async {}
    public func lambdaChanged(_ lambda: FixedPoint) async {}
    /// Replicators without timers return at once.
    public func run(messenger: any PeerMessenger) async {}
    /// Replicators without placement ignore the validator set.
    public func committed(
        validators: [ValidatorStatus], shardMapProposals: [CommittedShardMapProposal], messenger: any PeerMessenger
    ) async {}
    public var placement: MemoryPlacement? { nil }
    public func shard(of id: Hash256) -> ShardID? { nil }
    /// Replicators that do not track sessions ask every peer.
    public func isConnected(_ peer: PublicKey) -> Bool { true }
    public func isSettled(_ shard: ShardID) -> Bool { true }
}

/// The simplest replicator: the writer pushes every record to all connected peers, which upsert it
/// idempotently (an equal version is "already have it"). Correct for a full mesh of validators that
/// never miss a push: a record written while a peer was down never reaches it, which is what
/// ``MeshGossipReplicator``'s repair adds.
public struct PushToAllReplicator: MemoryReplicator {
    public init() {}

    public func replicate(_ record: MemoryRecord, messenger: any PeerMessenger) async {
        await messenger.broadcast(.memoryRecord(record), excluding: nil)
    }

    public func received(_ record: MemoryRecord, from peer: PublicKey, stored: Bool, messenger: any PeerMessenger)
        async
    {}
}

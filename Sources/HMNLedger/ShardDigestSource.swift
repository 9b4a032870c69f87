import HMNPrimitives

/// Where a validator's precommits get their memory-mesh shard digests (SPEC §3), injected into
/// ``LedgerApplication/shardDigestSource`` by the node that runs a replica.
///
/// The digests cover only records *settled* by a cutoff every validator derives from the chain
/// alone: the time of the last committed block minus ``settleMilliseconds``. Honest replicas differ
/// while a write is still spreading; with a shared cutoff they report equal digests, so Ĉ's
/// agreement term measures replicas that lost or altered a record, not gossip in flight.
public struct ShardDigestSource: Sendable {
    /// How long a record must have existed (by its `updatedAtMilliseconds`) before the last block
    /// to count: the chain's `meshDigestSettleMilliseconds`.
    public let settleMilliseconds: UInt64
    /// The replica's digests of the records updated at or before a cutoff, one per hosted shard,
    /// sorted by shard.
    public let digests: @Sendable (_ cutoffMilliseconds: UInt64) -> [ShardDigest]

    public init(
        settleMilliseconds: UInt64, digests: @escaping @Sendable (_ cutoffMilliseconds: UInt64) -> [ShardDigest]
    ) {
        self.settleMilliseconds = settleMilliseconds
        self.digests = digests
    }

    /// The cutoff for a precommit after a block of time `tipTimeMilliseconds` (saturating at 0).
    public static func cutoffMilliseconds(tipTimeMilliseconds: UInt64, settleMilliseconds: UInt64) -> UInt64 {
        tipTimeMilliseconds > settleMilliseconds ? tipTimeMilliseconds - settleMilliseconds : 0
    }
}

/// The digest a validator reports for one memory-mesh shard it hosts (SPEC §3).
public struct ShardDigest: Hashable, Sendable, CanonicalCodable {
    public var shard: UInt32
    public var digest: Hash256

    public init(shard: UInt32, digest: Hash256) {
        self.shard = shard
        self.digest = digest
    }

    public init(from decoder: inout CanonicalDecoder) throws(CodecError) {
        shard = try decoder.decode()
        digest = try decoder.decode()
    }

    public func encode(to encoder: inout CanonicalEncoder) {
        encoder.encode(shard)
        encoder.encode(digest)
    }
}

/// Layer-2 data a validator attaches to its precommit (in the spirit of ABCI 2.0 vote extensions):
/// its λ proposal (SPEC §5) and the digests of the shards it hosts (SPEC §3). The block after the
/// commit carries these, so every node derives Ĉ, Ψ and λ from the same finalized data.
public struct VoteExtension: Hashable, Sendable, CanonicalCodable {
    /// Upper bound on digests per vote, checked when decoding.
    public static let maxShardDigests = 4096

    public var lambdaProposal: FixedPoint
    /// Sorted by shard id, one entry per shard (canonical form; see ``isCanonical``).
    public var shardDigests: [ShardDigest]

    public init(lambdaProposal: FixedPoint, shardDigests: [ShardDigest] = []) {
        self.lambdaProposal = lambdaProposal
        self.shardDigests = shardDigests.sorted { $0.shard < $1.shard }
    }

    /// True when digests are strictly increasing by shard id.
    public var isCanonical: Bool {
        zip(shardDigests, shardDigests.dropFirst()).allSatisfy { $0.shard < $1.shard }
    }

    public init(from decoder: inout CanonicalDecoder) throws(CodecError) {
        lambdaProposal = try decoder.decode()
        let start = decoder.offset
        shardDigests = try decoder.decodeArray(maxCount: Self.maxShardDigests)
        guard isCanonical else {
            throw CodecError(.invalidValue, offset: start, "shard digests must be strictly increasing by shard id")
        }
    }

    public func encode(to encoder: inout CanonicalEncoder) {
        encoder.encode(lambdaProposal)
        encoder.encode(shardDigests)
    }
}

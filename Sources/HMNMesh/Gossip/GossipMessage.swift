import HMNPrimitives

/// A memory-mesh gossip message (SPEC §9), canonically encoded with a one-byte tag.
///
/// - `push`: records sent eagerly (new writes), in answer to IWANT, by repair, or as a handoff after
///   a map change (`handoff` asks for an `ack`).
/// - `ihave` / `iwant`: lazy announcements of record versions and the requests they trigger
///   (gossipsub's IHAVE/IWANT, Plumtree's lazy push).
/// - `reconcile` / `items`: per-shard range-based set reconciliation for repair.
/// - `ack`: confirms a handoff, so the sender may drop records it no longer hosts.
public enum GossipMessage: Hashable, Sendable, CanonicalCodable {
    case push(shard: ShardID, records: [MemoryRecord], handoff: Bool)
    case ihave(shard: ShardID, entries: [RecordVersion])
    case iwant(ids: [Hash256])
    /// `ranges` to compare; `complete` lists parents all of whose non-empty children are in `ranges`,
    /// so a child missing from the list is empty on the sender's side.
    case reconcile(shard: ShardID, ranges: [RangeFingerprint], complete: [RangePrefix])
    case items(shard: ShardID, prefix: RangePrefix, entries: [RecordSummary])
    case ack(entries: [RecordVersion])

    /// Decoding limits, checked before allocation.
    public static let maxRecords = 1_024
    public static let maxEntries = 16_384
    public static let maxRanges = 4_096

    /// A short name for logs and byte accounting.
    public var kind: String {
        switch self {
        case .push(_, _, let handoff): handoff ? "handoff" : "push"
        case .ihave: "ihave"
        case .iwant: "iwant"
        case .reconcile: "reconcile"
        case .items: "items"
        case .ack: "ack"
        }
    }

    /// Decodes wire bytes, rejecting oversize input before reading anything; errors are typed.
    public init(wireBytes bytes: [UInt8], maxBytes: Int) throws(MeshError) {
        guard bytes.count <= maxBytes else {
            throw MeshError(.oversizeMessage, "gossip message of \(bytes.count) bytes exceeds limit \(maxBytes)")
        }
        do {
            self = try GossipMessage(canonicalBytes: bytes, maxLength: maxBytes)
        } catch {
            throw MeshError(.malformedMessage, "\(error)")
        }
    }

    public init(from decoder: inout CanonicalDecoder) throws(CodecError) {
        let start = decoder.offset
        switch try decoder.decode(UInt8.self) {
        case 0:
            let shard: ShardID = try decoder.decode()
            let records: [MemoryRecord] = try decoder.decodeArray(maxCount: Self.maxRecords)
            self = .push(shard: shard, records: records, handoff: try decoder.decode(Bool.self))
        case 1:
            let shard: ShardID = try decoder.decode()
            self = .ihave(shard: shard, entries: try decoder.decodeArray(maxCount: Self.maxEntries))
        case 2:
            self = .iwant(ids: try decoder.decodeArray(maxCount: Self.maxEntries))
        case 3:
            let shard: ShardID = try decoder.decode()
            let ranges: [RangeFingerprint] = try decoder.decodeArray(maxCount: Self.maxRanges)
            self = .reconcile(shard: shard, ranges: ranges, complete: try decoder.decodeArray(maxCount: Self.maxRanges))
        case 4:
            let shard: ShardID = try decoder.decode()
            let prefix: RangePrefix = try decoder.decode()
            self = .items(shard: shard, prefix: prefix, entries: try decoder.decodeArray(maxCount: Self.maxEntries))
        case 5:
            self = .ack(entries: try decoder.decodeArray(maxCount: Self.maxEntries))
        case let tag:
            throw CodecError(.unknownTag, offset: start, "unknown gossip message tag \(tag)")
        }
    }

    public func encode(to encoder: inout CanonicalEncoder) {
        switch self {
        case .push(let shard, let records, let handoff):
            encoder.encode(UInt8(0))
            encoder.encode(shard)
            encoder.encode(records)
            encoder.encode(handoff)
        case .ihave(let shard, let entries):
            encoder.encode(UInt8(1))
            encoder.encode(shard)
            encoder.encode(entries)
        case .iwant(let ids):
            encoder.encode(UInt8(2))
            encoder.encode(ids)
        case .reconcile(let shard, let ranges, let complete):
            encoder.encode(UInt8(3))
            encoder.encode(shard)
            encoder.encode(ranges)
            encoder.encode(complete)
        case .items(let shard, let prefix, let entries):
            encoder.encode(UInt8(4))
            encoder.encode(shard)
            encoder.encode(prefix)
            encoder.encode(entries)
        case .ack(let entries):
            encoder.encode(UInt8(5))
            encoder.encode(entries)
        }
    }
}

import HMNPrimitives

/// A memory-mesh gossip message (SPEC §9), canonically encoded with a one-byte tag.
///
/// - `push`: records sent eagerly (new writes), in answer to IWANT (announcements and repair), or
///   as a handoff after a map change (a handoff asks for an `ack`); see ``PushKind``.
/// - `ihave` / `iwant`: lazy announcements of record versions and the requests they trigger
///   (gossipsub's IHAVE/IWANT, Plumtree's lazy push).
/// - `reconcile` / `items`: per-shard range-based set reconciliation for repair.
/// - `ack`: confirms a handoff, so the sender may drop records it no longer hosts.
public enum GossipMessage: Hashable, Sendable, CanonicalCodable {
    case push(shard: ShardID, records: [MemoryRecord], kind: PushKind)
    case ihave(shard: ShardID, entries: [RecordVersion])
    case iwant(ids: [Hash256])
    /// `ranges` to compare; `complete` lists parents all of whose non-empty children are in `ranges`,
    /// so a child missing from the list is empty on the sender's side.
    case reconcile(shard: ShardID, ranges: [RangeFingerprint], complete: [RangePrefix])
    /// A small differing range listed in full; `reply` marks the answer to another `items`, which
    /// is not answered again.
    case items(shard: ShardID, prefix: RangePrefix, entries: [RecordSummary], reply: Bool)
    case ack(entries: [RecordVersion])

    /// Decoding limits, checked before allocation.
    public static let maxRecords = 1_024
    public static let maxEntries = 16_384
    public static let maxRanges = 4_096

    /// A short name for logs and byte accounting.
    public var kind: String {
        switch self {
        case .push(_, _, let kind): kind == .eager ? "push" : kind == .handoff ? "handoff" : "response"
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
            self = .push(shard: shard, records: records, kind: try decoder.decode())
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
            let entries: [RecordSummary] = try decoder.decodeArray(maxCount: Self.maxEntries)
            self = .items(shard: shard, prefix: prefix, entries: entries, reply: try decoder.decode(Bool.self))
        case 5:
            self = .ack(entries: try decoder.decodeArray(maxCount: Self.maxEntries))
        case let tag:
            throw CodecError(.unknownTag, offset: start, "unknown gossip message tag \(tag)")
        }
    }

    public func encode(to encoder: inout CanonicalEncoder) {
        switch self {
        case .push(let shard, let records, let kind):
            encoder.encode(UInt8(0))
            encoder.encode(shard)
            encoder.encode(records)
            encoder.encode(kind)
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
        case .items(let shard, let prefix, let entries, let reply):
            encoder.encode(UInt8(4))
            encoder.encode(shard)
            encoder.encode(prefix)
            encoder.encode(entries)
            encoder.encode(reply)
        case .ack(let entries):
            encoder.encode(UInt8(5))
            encoder.encode(entries)
        }
    }
}

/// Why records are pushed. Only eager pushes are announced onward (IHAVE); answers and handoffs
/// are not, so repair traffic does not fan out again.
public enum PushKind: UInt8, Hashable, Sendable, CanonicalCodable {
    /// A new write, from a replica that took it.
    case eager = 0
    /// An answer to IWANT (after an announcement or during repair).
    case response = 1
    /// A record moved by a map change, or forwarded by a writer that does not host its shard; the
    /// receiver acknowledges it.
    case handoff = 2

    public init(from decoder: inout CanonicalDecoder) throws(CodecError) {
        let start = decoder.offset
        let raw: UInt8 = try decoder.decode()
        guard let kind = PushKind(rawValue: raw) else {
            throw CodecError(.unknownTag, offset: start, "unknown push kind \(raw)")
        }
        self = kind
    }

    public func encode(to encoder: inout CanonicalEncoder) { encoder.encode(rawValue) }
}

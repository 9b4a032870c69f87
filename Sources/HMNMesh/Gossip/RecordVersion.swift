import HMNPrimitives

/// A record's identity and version as announced in IHAVE and acknowledged after a handoff: enough to
/// decide whether to fetch it and to check that what arrives is what was announced.
public struct RecordVersion: Hashable, Sendable, CanonicalCodable {
    public var id: Hash256
    public var version: UInt64
    public var contentHash: Hash256

    public init(id: Hash256, version: UInt64, contentHash: Hash256) {
        self.id = id
        self.version = version
        self.contentHash = contentHash
    }

    public init(_ record: MemoryRecord) {
        self.init(id: record.id, version: record.version, contentHash: record.contentHash)
    }

    /// The merge order (SPEC §9): higher version wins, equal versions are broken by the larger
    /// content hash, so every replica picks the same winner whatever the arrival order.
    public func supersedes(_ other: RecordVersion) -> Bool {
        version != other.version ? version > other.version : contentHash > other.contentHash
    }

    public init(from decoder: inout CanonicalDecoder) throws(CodecError) {
        id = try decoder.decode()
        version = try decoder.decode()
        contentHash = try decoder.decode()
    }

    public func encode(to encoder: inout CanonicalEncoder) {
        encoder.encode(id)
        encoder.encode(version)
        encoder.encode(contentHash)
    }
}

/// A compact record summary for the leaves of set reconciliation: id, version and the first four
/// bytes of the content hash (44 bytes instead of 72). A tag mismatch at equal version makes both
/// sides exchange the record, and the full hash then decides.
public struct RecordSummary: Hashable, Sendable, CanonicalCodable {
    public var id: Hash256
    public var version: UInt64
    public var tag: UInt32

    public init(id: Hash256, version: UInt64, tag: UInt32) {
        self.id = id
        self.version = version
        self.tag = tag
    }

    public init(_ version: RecordVersion) {
        let bytes = version.contentHash.bytes
        self.init(
            id: version.id, version: version.version,
            tag: UInt32(bytes[0]) << 24 | UInt32(bytes[1]) << 16 | UInt32(bytes[2]) << 8 | UInt32(bytes[3]))
    }

    public init(from decoder: inout CanonicalDecoder) throws(CodecError) {
        id = try decoder.decode()
        version = try decoder.decode()
        tag = try decoder.decode()
    }

    public func encode(to encoder: inout CanonicalEncoder) {
        encoder.encode(id)
        encoder.encode(version)
        encoder.encode(tag)
    }
}

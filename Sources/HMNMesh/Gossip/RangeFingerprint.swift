import HMNPrimitives

/// A range of record ids: those whose first `depth` hex nibbles equal `path`'s (left-aligned in 32
/// bits). Depth 0 is every id. Ranges nest 16-ways, which gives set reconciliation its tree.
public struct RangePrefix: Hashable, Sendable, CanonicalCodable {
    public static let maxDepth: UInt8 = 8
    public static let root = RangePrefix(uncheckedDepth: 0, path: 0)

    public let depth: UInt8
    public let path: UInt32

    init(uncheckedDepth depth: UInt8, path: UInt32) {
        self.depth = depth
        self.path = path
    }

    /// The first 32 bits of an id.
    static func head(_ id: Hash256) -> UInt32 {
        let bytes = id.bytes
        return UInt32(bytes[0]) << 24 | UInt32(bytes[1]) << 16 | UInt32(bytes[2]) << 8 | UInt32(bytes[3])
    }

    var mask: UInt32 { depth == 0 ? 0 : ~UInt32(0) << (32 - 4 * UInt32(depth)) }

    public func contains(_ id: Hash256) -> Bool { Self.head(id) & mask == path }

    /// The child nibble (0...15) `id` falls in; only for depth < ``maxDepth``.
    func childNibble(of id: Hash256) -> UInt8 { UInt8(Self.head(id) >> (28 - 4 * UInt32(depth)) & 0xf) }

    func child(_ nibble: UInt8) -> RangePrefix {
        RangePrefix(uncheckedDepth: depth + 1, path: path | UInt32(nibble) << (28 - 4 * UInt32(depth)))
    }

    public init(from decoder: inout CanonicalDecoder) throws(CodecError) {
        let start = decoder.offset
        depth = try decoder.decode()
        path = try decoder.decode()
        guard depth <= Self.maxDepth, path & ~mask == 0 else {
            throw CodecError(.invalidValue, offset: start, "range prefix depth \(depth) or path bits out of range")
        }
    }

    public func encode(to encoder: inout CanonicalEncoder) {
        encoder.encode(depth)
        encoder.encode(path)
    }
}

/// How many records a peer holds in a range and a fingerprint of them: the wrapping sum of each
/// record's 64-bit item hash (of id, version and content hash). Equal sums mean equal sets with
/// overwhelming probability; a sum is updated in O(1) and subtracts cleanly, as in Meyer's
/// range-based set reconciliation (arXiv:2212.13567).
public struct RangeFingerprint: Hashable, Sendable, CanonicalCodable {
    public var prefix: RangePrefix
    public var count: UInt32
    public var fingerprint: UInt64

    public init(prefix: RangePrefix, count: UInt32, fingerprint: UInt64) {
        self.prefix = prefix
        self.count = count
        self.fingerprint = fingerprint
    }

    public init(from decoder: inout CanonicalDecoder) throws(CodecError) {
        prefix = try decoder.decode()
        count = try decoder.decode()
        fingerprint = try decoder.decode()
    }

    public func encode(to encoder: inout CanonicalEncoder) {
        encoder.encode(prefix)
        encoder.encode(count)
        encoder.encode(fingerprint)
    }
}

internal import CSodium

/// A 32-byte BLAKE2b-256 digest: block ids, transaction ids, Merkle nodes, content hashes.
public struct Hash256: Hashable, Comparable, Sendable, CanonicalCodable, CustomStringConvertible {
    public static let byteCount = 32
    /// The all-zero hash, used as the parent of the genesis block and as "no value".
    public static let zero = Hash256(uncheckedBytes: [UInt8](repeating: 0, count: 32))

    public let bytes: [UInt8]

    /// The raw bytes in one call (the synthesized conformance hashes an array element by element).
    public func hash(into hasher: inout Hasher) { bytes.withUnsafeBytes { hasher.combine(bytes: $0) } }
    public static func == (lhs: Hash256, rhs: Hash256) -> Bool { FixedBytes.equal(lhs.bytes, rhs.bytes) }

    public init(bytes: [UInt8]) throws(CryptoError) {
        guard bytes.count == Self.byteCount else {
            throw CryptoError(.wrongLength, "hash must be 32 bytes, got \(bytes.count)")
        }
        self.bytes = bytes
    }

    init(uncheckedBytes: [UInt8]) { self.bytes = uncheckedBytes }

    /// Parses 64 hex digits.
    public init(hex: String) throws(CryptoError) {
        guard let raw = Hex.decode(hex) else { throw CryptoError(.wrongLength, "hash is not hex: \(hex)") }
        try self.init(bytes: raw)
    }

    /// BLAKE2b-256 of `data`.
    public static func of(_ data: [UInt8]) -> Hash256 {
        data.withUnsafeBufferPointer { of(UnsafeRawBufferPointer($0)) }
    }

    /// BLAKE2b-256 of raw memory (vectors, slices) without copying it.
    public static func of(_ data: UnsafeRawBufferPointer) -> Hash256 {
        Sodium.ensureInitialised()
        var out = [UInt8](repeating: 0, count: byteCount)
        out.withUnsafeMutableBufferPointer { output in
            _ = crypto_generichash(
                output.baseAddress!, byteCount,
                data.baseAddress?.assumingMemoryBound(to: UInt8.self), UInt64(data.count),
                nil, 0)
        }
        return Hash256(uncheckedBytes: out)
    }

    /// BLAKE2b-256 over the concatenation of several parts without copying them together.
    public static func of(parts: [[UInt8]]) -> Hash256 {
        Sodium.ensureInitialised()
        // The state struct is 64-byte aligned, which Swift cannot import: allocate it by size.
        let raw = UnsafeMutableRawPointer.allocate(byteCount: crypto_generichash_statebytes(), alignment: 64)
        defer { raw.deallocate() }
        let state = OpaquePointer(raw)
        crypto_generichash_init(state, nil, 0, byteCount)
        for part in parts {
            part.withUnsafeBufferPointer { _ = crypto_generichash_update(state, $0.baseAddress, UInt64($0.count)) }
        }
        var out = [UInt8](repeating: 0, count: byteCount)
        crypto_generichash_final(state, &out, byteCount)
        return Hash256(uncheckedBytes: out)
    }

    public init(from decoder: inout CanonicalDecoder) throws(CodecError) {
        self.bytes = try decoder.decodeFixed(count: Self.byteCount)
    }

    public func encode(to encoder: inout CanonicalEncoder) { encoder.encodeFixed(bytes) }

    public static func < (lhs: Hash256, rhs: Hash256) -> Bool { lhs.bytes.lexicographicallyPrecedes(rhs.bytes) }

    public var hex: String { Hex.encode(bytes) }
    public var description: String { hex }
    /// The first 8 hex digits, for logs.
    public var short: String { Hex.encodePrefix(bytes, count: 4) }
}

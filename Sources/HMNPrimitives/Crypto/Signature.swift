/// A 64-byte Ed25519 signature (`R ‖ S`).
public struct Signature: Hashable, Sendable, CanonicalCodable, CustomStringConvertible {
    public static let byteCount = 64
    public let bytes: [UInt8]

    /// The raw bytes in one call (the synthesized conformance hashes an array element by element;
    /// the verify-once memo hashes a signature for every transaction it is asked about).
    public func hash(into hasher: inout Hasher) { bytes.withUnsafeBytes { hasher.combine(bytes: $0) } }
    public static func == (lhs: Signature, rhs: Signature) -> Bool { FixedBytes.equal(lhs.bytes, rhs.bytes) }

    public init(bytes: [UInt8]) throws(CryptoError) {
        guard bytes.count == Self.byteCount else {
            throw CryptoError(.wrongLength, "signature must be 64 bytes, got \(bytes.count)")
        }
        self.bytes = bytes
    }

    init(uncheckedBytes: [UInt8]) { self.bytes = uncheckedBytes }

    public init(from decoder: inout CanonicalDecoder) throws(CodecError) {
        self.bytes = try decoder.decodeFixed(count: Self.byteCount)
    }

    public func encode(to encoder: inout CanonicalEncoder) { encoder.encodeFixed(bytes) }

    public var hex: String { Hex.encode(bytes) }
    public var description: String { hex }
}

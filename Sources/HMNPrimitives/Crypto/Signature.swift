/// A 64-byte Ed25519 signature (`R ‖ S`).
public struct Signature: Hashable, Sendable, CanonicalCodable, CustomStringConvertible {
    public static let byteCount = 64
    public let bytes: [UInt8]

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

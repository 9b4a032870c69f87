internal import CSodium

/// An Ed25519 public key. It identifies accounts, validators and mesh nodes.
///
/// Construction rejects keys that are not canonical encodings of a point in the prime-order
/// subgroup and keys of small order: a small-order key lets anyone forge "valid" signatures.
public struct PublicKey: Hashable, Comparable, Sendable, CanonicalCodable, CustomStringConvertible {
    public static let byteCount = 32
    public let bytes: [UInt8]

    /// The raw bytes in one call (the synthesized conformance hashes an array element by element).
    public func hash(into hasher: inout Hasher) { bytes.withUnsafeBytes { hasher.combine(bytes: $0) } }
    public static func == (lhs: PublicKey, rhs: PublicKey) -> Bool { FixedBytes.equal(lhs.bytes, rhs.bytes) }

    public init(bytes: [UInt8]) throws(CryptoError) {
        guard bytes.count == Self.byteCount else {
            throw CryptoError(.wrongLength, "public key must be 32 bytes, got \(bytes.count)")
        }
        let valid = VerificationCache.isValidKey(bytes) {
            Sodium.ensureInitialised()
            return crypto_core_ed25519_is_valid_point(bytes) == 1
        }
        guard valid else {
            throw CryptoError(.invalidPublicKey, "public key \(Hex.encode(bytes)) is not a valid prime-order point")
        }
        self.bytes = bytes
    }

    init(uncheckedBytes: [UInt8]) { self.bytes = uncheckedBytes }

    /// Parses 64 hex digits.
    public init(hex: String) throws(CryptoError) {
        guard let raw = Hex.decode(hex) else { throw CryptoError(.wrongLength, "public key is not hex: \(hex)") }
        try self.init(bytes: raw)
    }

    /// Verifies an Ed25519 signature over `message`. libsodium (built without ED25519_COMPAT)
    /// rejects non-canonical `S`, small-order `R` and non-canonical keys.
    public func isValidSignature(_ signature: Signature, for message: [UInt8]) -> Bool {
        VerificationCache.isValidSignature(key: self, signature: signature, message: message) {
            Sodium.ensureInitialised()
            return crypto_sign_verify_detached(signature.bytes, message, UInt64(message.count), bytes) == 0
        }
    }

    /// Like ``isValidSignature(_:for:)`` but throws a typed error naming the signer.
    public func verify(_ signature: Signature, for message: [UInt8]) throws(CryptoError) {
        guard isValidSignature(signature, for: message) else {
            throw CryptoError(.badSignature, "signature does not verify for key \(short)")
        }
    }

    public init(from decoder: inout CanonicalDecoder) throws(CodecError) {
        let start = decoder.offset
        let raw = try decoder.decodeFixed(count: Self.byteCount)
        do {
            try self.init(bytes: raw)
        } catch {
            throw CodecError(.invalidValue, offset: start, error.message)
        }
    }

    public func encode(to encoder: inout CanonicalEncoder) { encoder.encodeFixed(bytes) }

    public static func < (lhs: PublicKey, rhs: PublicKey) -> Bool { lhs.bytes.lexicographicallyPrecedes(rhs.bytes) }

    public var hex: String { Hex.encode(bytes) }
    public var description: String { hex }
    /// The first 8 hex digits, for logs.
    public var short: String { Hex.encodePrefix(bytes, count: 4) }
}

internal import CSodium

/// An Ed25519 private key. Deterministic signatures (RFC 8032): the same key and message always
/// give the same signature, which the simulator's replayability relies on.
public struct SigningKey: Sendable {
    public static let seedByteCount = 32
    /// libsodium's 64-byte secret key (`seed ‖ public key`).
    private let secret: [UInt8]
    public let publicKey: PublicKey

    /// Derives the key pair from a 32-byte seed.
    public init(seed: [UInt8]) throws(CryptoError) {
        guard seed.count == Self.seedByteCount else {
            throw CryptoError(.wrongLength, "seed must be 32 bytes, got \(seed.count)")
        }
        Sodium.ensureInitialised()
        var publicBytes = [UInt8](repeating: 0, count: PublicKey.byteCount)
        var secretBytes = [UInt8](repeating: 0, count: 64)
        guard crypto_sign_seed_keypair(&publicBytes, &secretBytes, seed) == 0 else {
            throw CryptoError(.libraryFailure, "crypto_sign_seed_keypair failed")
        }
        self.secret = secretBytes
        self.publicKey = PublicKey(uncheckedBytes: publicBytes)
    }

    /// A fresh key from the operating system's CSPRNG.
    public static func generate() -> SigningKey {
        // A 32-byte seed is always a valid seed, so this cannot fail.
        try! SigningKey(seed: Sodium.randomBytes(seedByteCount))
    }

    /// The 32-byte seed, for key files. Keep it secret.
    public var seed: [UInt8] { Array(secret.prefix(Self.seedByteCount)) }

    public func sign(_ message: [UInt8]) -> Signature {
        var signature = [UInt8](repeating: 0, count: Signature.byteCount)
        crypto_sign_detached(&signature, nil, message, UInt64(message.count), secret)
        return Signature(uncheckedBytes: signature)
    }
}

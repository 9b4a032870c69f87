internal import CSodium

/// A single-use X25519 key pair for one handshake (RFC 7748).
///
/// A fresh pair per connection gives forward secrecy: recording traffic and later stealing a node's
/// long-term Ed25519 key does not reveal past session keys.
public struct EphemeralKeyPair: Sendable {
    public static let byteCount = 32
    let secret: [UInt8]
    /// The public half, sent in the clear in the handshake hello.
    public let publicKey: [UInt8]

    /// A fresh pair from the operating system's CSPRNG.
    public static func generate() -> EphemeralKeyPair {
        // 32 random bytes are always a valid X25519 scalar (it is clamped), so this cannot fail.
        try! EphemeralKeyPair(secret: TransportSodium.randomBytes(byteCount))
    }

    /// A pair from a given scalar; tests use it to make handshakes reproducible.
    public init(secret: [UInt8]) throws(TransportError) {
        guard secret.count == Self.byteCount else {
            throw TransportError(.cryptoFailure, "X25519 secret must be 32 bytes, got \(secret.count)")
        }
        TransportSodium.ensureInitialised()
        var publicBytes = [UInt8](repeating: 0, count: Self.byteCount)
        guard crypto_scalarmult_base(&publicBytes, secret) == 0 else {
            throw TransportError(.cryptoFailure, "crypto_scalarmult_base failed")
        }
        self.secret = secret
        self.publicKey = publicBytes
    }

    /// The X25519 shared secret with a peer's ephemeral public key.
    ///
    /// libsodium returns an error when the result is all zeros, which happens exactly when the peer
    /// sent a low-order point to force a known secret; that handshake is refused.
    func sharedSecret(with peerPublicKey: [UInt8]) throws(TransportError) -> [UInt8] {
        guard peerPublicKey.count == Self.byteCount else {
            throw TransportError(.malformedMessage, "ephemeral key must be 32 bytes, got \(peerPublicKey.count)")
        }
        var shared = [UInt8](repeating: 0, count: Self.byteCount)
        guard crypto_scalarmult(&shared, secret, peerPublicKey) == 0 else {
            throw TransportError(.cryptoFailure, "peer ephemeral key is a low-order point")
        }
        return shared
    }
}

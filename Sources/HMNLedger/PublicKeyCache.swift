import HMNPrimitives
import Synchronization

/// Remembers public keys that already passed validation, so decoding a block does not re-run
/// libsodium's point validation for every sender and recipient.
///
/// `PublicKey(bytes:)` checks that a key is a canonical point of the prime-order subgroup, which
/// costs a full scalar multiplication (about as much as a signature verification). Blocks name the
/// same accounts again and again, so the ledger validates each distinct key once per process. The
/// cache only memoises a pure function, so it cannot change any result; it is bounded and simply
/// starts over when full.
enum PublicKeyCache {
    static let capacity = 1 << 18
    private static let keys = Mutex<[[UInt8]: PublicKey]>([:])

    /// The validated key for `bytes` (32 bytes), validating on first sight.
    static func key(_ bytes: [UInt8]) throws(CryptoError) -> PublicKey {
        if let known = keys.withLock({ $0[bytes] }) { return known }
        let key = try PublicKey(bytes: bytes)
        keys.withLock { cache in
            if cache.count >= capacity { cache.removeAll(keepingCapacity: true) }
            cache[bytes] = key
        }
        return key
    }
}

extension CanonicalDecoder {
    /// Decodes a public key like `decode(PublicKey.self)`, through ``PublicKeyCache``.
    mutating func decodeAccountKey() throws(CodecError) -> PublicKey {
        let start = offset
        let raw = try decodeFixed(count: PublicKey.byteCount)
        do {
            return try PublicKeyCache.key(raw)
        } catch {
            throw CodecError(.invalidValue, offset: start, error.message)
        }
    }
}

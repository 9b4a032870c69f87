import HMNPrimitives
import Testing

@Suite("The simulation's verification memo changes no verdict")
struct VerificationCacheTests {
    @Test("a remembered signature still rejects every altered key, signature or message")
    func verdictsUnchanged() throws {
        if !VerificationCache.isEnabled { VerificationCache.enable() }
        let key = try SigningKey(seed: Array(repeating: 7, count: 32))
        let other = try SigningKey(seed: Array(repeating: 8, count: 32))
        let message = Array("vote".utf8)
        let signature = key.sign(message)
        let before = VerificationCache.hits
        #expect(key.publicKey.isValidSignature(signature, for: message))
        #expect(key.publicKey.isValidSignature(signature, for: message))
        #expect(VerificationCache.hits > before)
        #expect(!key.publicKey.isValidSignature(signature, for: Array("vote!".utf8)))
        #expect(!other.publicKey.isValidSignature(signature, for: message))
        var flipped = signature.bytes
        flipped[0] ^= 1
        #expect(!key.publicKey.isValidSignature(try Signature(bytes: flipped), for: message))
        // Keys: a valid key is remembered, an invalid one is still refused.
        _ = try PublicKey(bytes: key.publicKey.bytes)
        #expect(throws: CryptoError.self) { try PublicKey(bytes: Array(repeating: 0, count: 32)) }
        #expect(throws: CryptoError.self) { try PublicKey(bytes: Array(repeating: 0, count: 32)) }
    }
}

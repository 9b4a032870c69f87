import Testing
@testable import HMNPrimitives

@Suite("Ed25519 through libsodium")
struct Ed25519Tests {
    @Test("RFC 8032 vectors: key derivation, signature bytes and verification")
    func rfc8032() throws {
        let vectors = try TestVectors.records("rfc8032-ed25519.txt")
        #expect(vectors.count == 3)
        for fields in vectors {
            let key = try SigningKey(seed: Hex.decode(fields[0])!)
            #expect(key.publicKey.hex == fields[1])
            let message = Hex.decode(fields[2])!
            let signature = key.sign(message)
            #expect(signature.hex == fields[3])
            #expect(key.publicKey.isValidSignature(signature, for: message))
            #expect(!key.publicKey.isValidSignature(signature, for: message + [0]))
        }
    }

    @Test("a signature with non-canonical S (S + L) is rejected")
    func nonCanonicalS() throws {
        let key = try SigningKey(seed: [UInt8](repeating: 7, count: 32))
        let message: [UInt8] = Array("hmn".utf8)
        let good = key.sign(message)
        // L = 2^252 + 27742317777372353535851937790883648493, little-endian.
        let order: [UInt8] = [
            0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
            0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
        ]
        var s = Array(good.bytes[32...])
        var carry = 0
        for index in 0..<32 {
            let sum = Int(s[index]) + Int(order[index]) + carry
            s[index] = UInt8(sum & 0xff)
            carry = sum >> 8
        }
        let malleated = try Signature(bytes: Array(good.bytes[..<32]) + s)
        #expect(!key.publicKey.isValidSignature(malleated, for: message))
        #expect(throws: CryptoError.self) { try key.publicKey.verify(malleated, for: message) }
    }

    @Test("small-order and malformed public keys are rejected", arguments: [
        "0100000000000000000000000000000000000000000000000000000000000000",  // identity
        "0000000000000000000000000000000000000000000000000000000000000000",  // order 4
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",  // order 2 (y = -1)
        "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",  // order 8
    ])
    func smallOrderKeys(hex: String) {
        #expect(throws: CryptoError.self) { try PublicKey(hex: hex) }
    }

    @Test("wrong lengths are typed errors")
    func wrongLengths() {
        #expect(throws: CryptoError(.wrongLength, "public key must be 32 bytes, got 31")) {
            try PublicKey(bytes: [UInt8](repeating: 1, count: 31))
        }
        #expect(throws: CryptoError.self) { try Signature(bytes: [UInt8](repeating: 0, count: 63)) }
        #expect(throws: CryptoError.self) { try SigningKey(seed: [1, 2, 3]) }
    }
}

@Suite("BLAKE2b-256")
struct HashTests {
    @Test("reference vectors")
    func vectors() throws {
        for fields in try TestVectors.records("blake2b-256.txt") {
            #expect(Hash256.of(Hex.decode(fields[0])!).hex == fields[1])
        }
    }

    @Test("hashing parts equals hashing their concatenation")
    func parts() {
        let parts: [[UInt8]] = [[1, 2, 3], [], [4, 5]]
        #expect(Hash256.of(parts: parts) == Hash256.of([1, 2, 3, 4, 5]))
    }
}

import Testing

@testable import HMNPrimitives

@Suite("FixedBytes: word-at-a-time equality of keys, hashes and signatures")
struct FixedBytesTests {
    @Test("agrees with Array == on random strings and single-byte differences (seeded property)")
    func agreesWithArrayEquality() {
        var generator = SeededGenerator(seed: 41)
        for _ in 0..<2_000 {
            let count = Int.random(in: 0...70, using: &generator)
            let a = (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
            var b = a
            if count > 0, Bool.random(using: &generator) {
                b[Int.random(in: 0..<count, using: &generator)] ^= UInt8.random(in: 1...255, using: &generator)
            }
            if Int.random(in: 0..<10, using: &generator) == 0 { b.append(0) }
            #expect(FixedBytes.equal(a, b) == (a == b))
        }
    }

    @Test("Hash256, PublicKey and Signature compare and hash by their bytes")
    func types() throws {
        let a = Hash256.of([1, 2, 3])
        var flipped = a.bytes
        flipped[31] ^= 1
        #expect(a == Hash256.of([1, 2, 3]))
        #expect(a != (try Hash256(bytes: flipped)))
        #expect(Set([a, Hash256.of([1, 2, 3])]).count == 1)
        var generator = SeededGenerator(seed: 5)
        let key = SigningKey(using: &generator)
        var again = SeededGenerator(seed: 5)
        #expect(key.publicKey == SigningKey(using: &again).publicKey)
        #expect(key.publicKey != SigningKey(using: &generator).publicKey)
        let signature = key.sign([7])
        #expect(signature == key.sign([7]))  // Ed25519 signing is deterministic
        #expect(signature != key.sign([8]))
        let signatures: Set<Signature> = [signature, key.sign([7]), key.sign([8])]
        #expect(signatures.count == 2)
    }
}

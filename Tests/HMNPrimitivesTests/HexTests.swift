import HMNPrimitives
import Testing

@Suite("Hex")
struct HexTests {
    /// The obvious encoder, to compare the fast one against.
    static func reference(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef")
        return String(bytes.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0x0f)]] })
    }

    @Test("known values, the empty input and every byte value")
    func known() {
        #expect(Hex.encode([UInt8]()) == "")
        #expect(Hex.encode([0x00, 0x0f, 0xa0, 0xff]) == "000fa0ff")
        let all = (0...255).map { UInt8($0) }
        #expect(Hex.encode(all) == Self.reference(all))
        #expect(Hex.encodePrefix([0xde, 0xad], count: 4) == "dead")
        #expect(Hex.encodePrefix([0xde, 0xad, 0xbe, 0xef, 0x01], count: 4) == "deadbeef")
    }

    @Test("seeded property: encode matches the reference and decodes back; short is the hex's first 8 digits")
    func property() throws {
        var generator = SeededGenerator(seed: 2026_12_07)
        for _ in 0..<500 {
            let count = Int.random(in: 0...96, using: &generator)
            let bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let hex = Hex.encode(bytes)
            #expect(hex == Self.reference(bytes))
            #expect(Hex.decode(hex) == bytes)
            #expect(Hex.encode(bytes.lazy.map { $0 }) == hex)
        }
        for _ in 0..<100 {
            let key = SigningKey(using: &generator).publicKey
            #expect(key.short == String(key.hex.prefix(8)))
            #expect(key.hex == Self.reference(key.bytes))
            let hash = Hash256.of(key.bytes)
            #expect(hash.short == String(hash.hex.prefix(8)))
            #expect(hash.hex == Self.reference(hash.bytes))
        }
    }
}

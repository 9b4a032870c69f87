import Testing
@testable import HMNPrimitives

/// A composite value exercising every encoder primitive.
private struct Sample: Hashable, CanonicalCodable {
    enum Kind: UInt8 { case a = 1, b = 2 }
    var kind: Kind
    var flag: Bool
    var small: UInt16
    var count: UInt32
    var amount: UInt64
    var delta: Int64
    var name: String
    var blob: [UInt8]
    var hash: Hash256?
    var vector: [Float]

    init(from decoder: inout CanonicalDecoder) throws(CodecError) {
        let start = decoder.offset
        let tag = try decoder.decode(UInt8.self)
        guard let kind = Kind(rawValue: tag) else { throw CodecError(.unknownTag, offset: start, "unknown kind \(tag)") }
        self.kind = kind
        flag = try decoder.decode()
        small = try decoder.decode()
        count = try decoder.decode()
        amount = try decoder.decode()
        delta = try decoder.decode()
        name = try decoder.decode(String.self, maxLength: 64)
        blob = try decoder.decodeBytes(maxLength: 256)
        hash = try decoder.decodeOptional()
        vector = try decoder.decodeFloats(maxCount: 16)
    }

    init(random rng: inout SeededGenerator) {
        kind = Bool.random(using: &rng) ? .a : .b
        flag = .random(using: &rng)
        small = .random(in: .min ... .max, using: &rng)
        count = .random(in: .min ... .max, using: &rng)
        amount = .random(in: .min ... .max, using: &rng)
        delta = .random(in: .min ... .max, using: &rng)
        name = String((0..<Int.random(in: 0...20, using: &rng)).map { _ in "aλΨĈ".randomElement(using: &rng)! })
        blob = (0..<Int.random(in: 0...40, using: &rng)).map { _ in .random(in: 0...255, using: &rng) }
        hash = Bool.random(using: &rng) ? Hash256.of(blob) : nil
        vector = (0..<Int.random(in: 0...16, using: &rng)).map { _ in .random(in: -1...1, using: &rng) }
    }

    func encode(to encoder: inout CanonicalEncoder) {
        encoder.encode(kind.rawValue)
        encoder.encode(flag)
        encoder.encode(small)
        encoder.encode(count)
        encoder.encode(amount)
        encoder.encode(delta)
        encoder.encode(name)
        encoder.encodeBytes(blob)
        encoder.encode(hash)
        encoder.encode(vector)
    }
}

@Suite("Canonical encoding")
struct CanonicalCodecTests {
    @Test("integers are fixed-width big-endian")
    func layout() {
        var encoder = CanonicalEncoder()
        encoder.encode(UInt32(0x0102_0304))
        encoder.encode(UInt16(0x0506))
        encoder.encodeBytes([0xaa])
        #expect(encoder.bytes == [1, 2, 3, 4, 5, 6, 0, 0, 0, 1, 0xaa])
    }

    @Test("property: random values round-trip and re-encode to the same bytes (2,000 seeded cases)")
    func roundTrip() throws {
        var rng = SeededGenerator(seed: 0x4d4e)
        for _ in 0..<2_000 {
            let value = Sample(random: &rng)
            let bytes = value.canonicalBytes
            let decoded = try Sample(canonicalBytes: bytes)
            #expect(decoded == value)
            #expect(decoded.canonicalBytes == bytes)
        }
    }

    @Test("property: every strict prefix is rejected as truncated, never crashes (500 cases)")
    func truncation() {
        var rng = SeededGenerator(seed: 7)
        for _ in 0..<500 {
            let bytes = Sample(random: &rng).canonicalBytes
            let cut = Int.random(in: 0..<bytes.count, using: &rng)
            #expect(throws: CodecError.self) { try Sample(canonicalBytes: Array(bytes[..<cut])) }
        }
    }

    @Test("trailing bytes are rejected")
    func trailing() {
        var rng = SeededGenerator(seed: 8)
        let bytes = Sample(random: &rng).canonicalBytes + [0]
        do {
            _ = try Sample(canonicalBytes: bytes)
            Issue.record("trailing byte accepted")
        } catch {
            #expect(error.code == .trailingBytes)
        }
    }

    @Test("oversize length prefixes are rejected before allocating")
    func oversize() {
        var decoder = CanonicalDecoder([0xff, 0xff, 0xff, 0xff])
        #expect(throws: CodecError.self) { try decoder.decodeBytes() }
        var arrays = CanonicalDecoder([0, 0x10, 0, 0])  // claims 1M elements in 0 bytes
        #expect(throws: CodecError.self) { try arrays.decodeArray(Hash256.self, maxCount: 10_000_000) }
        var limited = CanonicalDecoder([0, 0, 0, 5, 1, 2, 3, 4, 5])
        do {
            _ = try limited.decodeBytes(maxLength: 4)
            Issue.record("oversize accepted")
        } catch {
            #expect(error.code == .oversizeLength)
        }
    }

    @Test("unknown tags and invalid bools are rejected")
    func tags() {
        var rng = SeededGenerator(seed: 9)
        var bytes = Sample(random: &rng).canonicalBytes
        bytes[0] = 9
        #expect(throws: CodecError(.unknownTag, offset: 0, "unknown kind 9")) { try Sample(canonicalBytes: bytes) }
        bytes[0] = 1
        bytes[1] = 2
        #expect(throws: CodecError.self) { try Sample(canonicalBytes: bytes) }
    }
}

@Suite("Fixed point")
struct FixedPointTests {
    @Test("multiplication and division truncate toward zero")
    func rounding() {
        let third = FixedPoint(ratio: 1, 3)
        #expect(third.raw == 333_333)
        #expect(third.multiplied(by: FixedPoint(integer: 3)).raw == 999_999)
        #expect(FixedPoint.one.divided(by: FixedPoint(integer: 3)) == third)
        #expect(FixedPoint(raw: 700_000).description == "0.700000")
        #expect(FixedPoint(raw: 1_500_000).scaling(1_000) == 1_500)
        #expect(FixedPoint(exactly: .nan) == nil)
        #expect(FixedPoint(exactly: 0.7)?.raw == 700_000)
    }
}

/// Writes HMN's canonical binary encoding.
///
/// One value has exactly one encoding, so hashes and signatures over it are well defined:
/// integers are fixed-width big-endian, byte strings and arrays carry a `UInt32` length prefix,
/// enums carry a one-byte tag, and there are no maps (a map would need a sort order to be canonical;
/// callers encode sorted arrays instead).
public struct CanonicalEncoder: Sendable {
    public private(set) var bytes: [UInt8]

    public init(capacity: Int = 64) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    public mutating func encode(_ value: UInt8) { bytes.append(value) }

    public mutating func encode(_ value: Bool) { bytes.append(value ? 1 : 0) }

    public mutating func encode(_ value: UInt16) { appendBigEndian(value) }

    public mutating func encode(_ value: UInt32) { appendBigEndian(value) }

    public mutating func encode(_ value: UInt64) { appendBigEndian(value) }

    public mutating func encode(_ value: Int64) { appendBigEndian(UInt64(bitPattern: value)) }

    /// Float32 by its IEEE-754 bit pattern (used only for vector data, never consensus math).
    public mutating func encode(_ value: Float) { appendBigEndian(value.bitPattern) }

    /// Bytes whose length both sides know (hashes, keys, signatures): no prefix.
    public mutating func encodeFixed(_ value: some Collection<UInt8>) { bytes.append(contentsOf: value) }

    /// A variable-length byte string: `UInt32` length, then the bytes.
    public mutating func encodeBytes(_ value: some Collection<UInt8>) {
        precondition(value.count <= Int(UInt32.max), "byte string too long for canonical encoding")
        encode(UInt32(value.count))
        bytes.append(contentsOf: value)
    }

    /// UTF-8 text, length-prefixed like bytes.
    public mutating func encode(_ value: String) { encodeBytes(Array(value.utf8)) }

    public mutating func encode<T: CanonicalEncodable>(_ value: T) { value.encode(to: &self) }

    /// An array: `UInt32` count, then each element.
    public mutating func encode<T: CanonicalEncodable>(_ values: [T]) {
        precondition(values.count <= Int(UInt32.max), "array too long for canonical encoding")
        encode(UInt32(values.count))
        for value in values { value.encode(to: &self) }
    }

    /// An optional: tag 0 for none, tag 1 then the value.
    public mutating func encode<T: CanonicalEncodable>(_ value: T?) {
        if let value {
            encode(UInt8(1))
            value.encode(to: &self)
        } else {
            encode(UInt8(0))
        }
    }

    /// A `Float32` vector: `UInt32` count then each component.
    public mutating func encode(_ values: [Float]) {
        encode(UInt32(values.count))
        bytes.reserveCapacity(bytes.count + values.count * 4)
        for value in values { appendBigEndian(value.bitPattern) }
    }

    @inline(__always)
    private mutating func appendBigEndian<I: FixedWidthInteger>(_ value: I) {
        withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) }
    }
}

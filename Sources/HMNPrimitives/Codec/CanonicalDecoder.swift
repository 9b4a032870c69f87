/// Reads HMN's canonical binary encoding (see ``CanonicalEncoder``).
///
/// Every read is bounds-checked; every length prefix is checked against both the remaining input
/// and a maximum before any allocation, so a hostile length cannot make the decoder allocate.
public struct CanonicalDecoder: Sendable {
    /// Default upper bound for a single length-prefixed field (16 MiB).
    public static let defaultMaxLength = 16 << 20

    private let bytes: [UInt8]
    public private(set) var offset: Int
    public let maxLength: Int

    public init(_ bytes: [UInt8], maxLength: Int = CanonicalDecoder.defaultMaxLength) {
        self.bytes = bytes
        self.offset = 0
        self.maxLength = maxLength
    }

    public var remaining: Int { bytes.count - offset }
    public var isAtEnd: Bool { offset == bytes.count }

    /// Fails with `trailingBytes` unless the whole input was consumed.
    public func finish() throws(CodecError) {
        if !isAtEnd {
            throw CodecError(.trailingBytes, offset: offset, "\(remaining) unexpected trailing bytes")
        }
    }

    public mutating func decode(_: UInt8.Type = UInt8.self) throws(CodecError) -> UInt8 {
        try need(1, "UInt8")
        defer { offset += 1 }
        return bytes[offset]
    }

    public mutating func decode(_: Bool.Type = Bool.self) throws(CodecError) -> Bool {
        let start = offset
        switch try decode(UInt8.self) {
        case 0: return false
        case 1: return true
        case let other: throw CodecError(.invalidValue, offset: start, "bool byte must be 0 or 1, got \(other)")
        }
    }

    public mutating func decode(_: UInt16.Type = UInt16.self) throws(CodecError) -> UInt16 { try readInteger() }
    public mutating func decode(_: UInt32.Type = UInt32.self) throws(CodecError) -> UInt32 { try readInteger() }
    public mutating func decode(_: UInt64.Type = UInt64.self) throws(CodecError) -> UInt64 { try readInteger() }

    public mutating func decode(_: Int64.Type = Int64.self) throws(CodecError) -> Int64 {
        Int64(bitPattern: try readInteger() as UInt64)
    }

    public mutating func decode(_: Float.Type = Float.self) throws(CodecError) -> Float {
        Float(bitPattern: try readInteger() as UInt32)
    }

    /// Exactly `count` bytes, no prefix.
    public mutating func decodeFixed(count: Int) throws(CodecError) -> [UInt8] {
        try need(count, "fixed \(count)-byte field")
        defer { offset += count }
        return Array(bytes[offset..<offset + count])
    }

    /// A `UInt32`-length-prefixed byte string of at most `maxLength` (or the decoder's limit).
    public mutating func decodeBytes(maxLength limit: Int? = nil) throws(CodecError) -> [UInt8] {
        let count = try decodeLength(limit: limit ?? maxLength, what: "byte string")
        return try decodeFixed(count: count)
    }

    public mutating func decode(_: String.Type = String.self, maxLength limit: Int? = nil) throws(CodecError) -> String {
        let start = offset
        let raw = try decodeBytes(maxLength: limit)
        guard let text = String(validating: raw, as: UTF8.self) else {
            throw CodecError(.invalidValue, offset: start, "string is not valid UTF-8")
        }
        return text
    }

    public mutating func decode<T: CanonicalDecodable>(_: T.Type = T.self) throws(CodecError) -> T {
        try T(from: &self)
    }

    /// An array of at most `maxCount` elements.
    public mutating func decodeArray<T: CanonicalDecodable>(
        _: T.Type = T.self, maxCount: Int
    ) throws(CodecError) -> [T] {
        let count = try decodeLength(limit: maxCount, what: "array of \(T.self)")
        // Each element takes at least one byte, so a count above `remaining` is a lie: reject it
        // before reserving anything.
        guard count <= remaining else {
            throw CodecError(.truncated, offset: offset, "array of \(count) \(T.self) exceeds remaining \(remaining) bytes")
        }
        var result: [T] = []
        result.reserveCapacity(count)
        for _ in 0..<count { result.append(try T(from: &self)) }
        return result
    }

    public mutating func decodeOptional<T: CanonicalDecodable>(_: T.Type = T.self) throws(CodecError) -> T? {
        let start = offset
        switch try decode(UInt8.self) {
        case 0: return nil
        case 1: return try T(from: &self)
        case let tag: throw CodecError(.unknownTag, offset: start, "optional tag must be 0 or 1, got \(tag)")
        }
    }

    /// A `Float32` vector of at most `maxCount` components.
    public mutating func decodeFloats(maxCount: Int) throws(CodecError) -> [Float] {
        let count = try decodeLength(limit: maxCount, what: "float vector")
        try need(count * 4, "float vector of \(count)")
        var result = [Float](repeating: 0, count: count)
        for index in 0..<count { result[index] = Float(bitPattern: try readInteger() as UInt32) }
        return result
    }

    /// Reads a `UInt32` length and checks it against `limit` and the remaining input.
    public mutating func decodeLength(limit: Int, what: String) throws(CodecError) -> Int {
        let start = offset
        let length = Int(try decode(UInt32.self))
        if length > limit {
            throw CodecError(.oversizeLength, offset: start, "\(what) length \(length) exceeds limit \(limit)")
        }
        return length
    }

    @inline(__always)
    private mutating func readInteger<I: FixedWidthInteger>() throws(CodecError) -> I {
        let size = MemoryLayout<I>.size
        try need(size, "\(I.self)")
        var value: I = 0
        for index in 0..<size { value = value << 8 | I(bytes[offset + index]) }
        offset += size
        return value
    }

    @inline(__always)
    private func need(_ count: Int, _ what: String) throws(CodecError) {
        if count < 0 || count > remaining {
            throw CodecError(.truncated, offset: offset, "need \(count) bytes for \(what), \(remaining) remain")
        }
    }
}

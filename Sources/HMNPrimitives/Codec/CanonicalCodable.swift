/// A value with exactly one byte representation, used for everything that is hashed or signed.
public protocol CanonicalEncodable {
    func encode(to encoder: inout CanonicalEncoder)
}

/// A value that can be read back from its canonical bytes, rejecting every other byte string.
public protocol CanonicalDecodable {
    init(from decoder: inout CanonicalDecoder) throws(CodecError)
}

public typealias CanonicalCodable = CanonicalEncodable & CanonicalDecodable

extension CanonicalEncodable {
    /// The canonical bytes of this value.
    public var canonicalBytes: [UInt8] {
        var encoder = CanonicalEncoder()
        encode(to: &encoder)
        return encoder.bytes
    }

    /// BLAKE2b-256 of the canonical bytes.
    public var canonicalHash: Hash256 { Hash256.of(canonicalBytes) }
}

extension CanonicalDecodable {
    /// Decodes a whole buffer, rejecting trailing bytes.
    public init(canonicalBytes bytes: [UInt8], maxLength: Int = CanonicalDecoder.defaultMaxLength) throws(CodecError) {
        var decoder = CanonicalDecoder(bytes, maxLength: maxLength)
        self = try Self(from: &decoder)
        try decoder.finish()
    }
}

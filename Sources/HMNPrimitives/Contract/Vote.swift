/// The two vote steps of Tendermint.
public enum VoteType: UInt8, Hashable, Sendable, CanonicalCodable {
    case prevote = 1
    case precommit = 2

    public init(from decoder: inout CanonicalDecoder) throws(CodecError) {
        let start = decoder.offset
        let tag = try decoder.decode(UInt8.self)
        guard let value = VoteType(rawValue: tag) else {
            throw CodecError(.unknownTag, offset: start, "unknown vote type \(tag)")
        }
        self = value
    }

    public func encode(to encoder: inout CanonicalEncoder) { encoder.encode(rawValue) }
}

/// A signed prevote or precommit.
///
/// The signature covers the chain id, height, round, type, block id (nil for a nil vote), the
/// validator and, for precommits, the vote extension; so a vote cannot be replayed on another
/// chain, height or round, and its Layer-2 data cannot be swapped.
public struct Vote: Hashable, Sendable, CanonicalCodable {
    public var height: UInt64
    public var round: UInt32
    public var type: VoteType
    /// nil is a vote for "no block".
    public var blockID: Hash256?
    public var validator: PublicKey
    /// Present only on precommits for a block.
    public var voteExtension: VoteExtension?
    public var signature: Signature

    public init(
        height: UInt64, round: UInt32, type: VoteType, blockID: Hash256?, validator: PublicKey,
        voteExtension: VoteExtension?, signature: Signature
    ) {
        self.height = height
        self.round = round
        self.type = type
        self.blockID = blockID
        self.validator = validator
        self.voteExtension = voteExtension
        self.signature = signature
    }

    /// Creates and signs a vote.
    public static func signed(
        chainID: String, height: UInt64, round: UInt32, type: VoteType, blockID: Hash256?,
        voteExtension: VoteExtension?, key: SigningKey
    ) -> Vote {
        let message = signBytes(
            chainID: chainID, height: height, round: round, type: type, blockID: blockID,
            validator: key.publicKey, voteExtension: voteExtension)
        return Vote(
            height: height, round: round, type: type, blockID: blockID, validator: key.publicKey,
            voteExtension: voteExtension, signature: key.sign(message))
    }

    /// The exact bytes a validator signs.
    public static func signBytes(
        chainID: String, height: UInt64, round: UInt32, type: VoteType, blockID: Hash256?,
        validator: PublicKey, voteExtension: VoteExtension?
    ) -> [UInt8] {
        var encoder = CanonicalEncoder(capacity: 160)
        encoder.encode("hmn/vote/v1")
        encoder.encode(chainID)
        encoder.encode(height)
        encoder.encode(round)
        encoder.encode(type)
        encoder.encode(blockID)
        encoder.encode(validator)
        encoder.encode(voteExtension)
        return encoder.bytes
    }

    public func signBytes(chainID: String) -> [UInt8] {
        Self.signBytes(
            chainID: chainID, height: height, round: round, type: type, blockID: blockID,
            validator: validator, voteExtension: voteExtension)
    }

    /// Checks the signature, and that only precommits for a block carry an extension.
    public func verify(chainID: String) throws(CryptoError) {
        if voteExtension != nil && (type != .precommit || blockID == nil) {
            throw CryptoError(.badSignature, "only a precommit for a block may carry a vote extension")
        }
        try validator.verify(signature, for: signBytes(chainID: chainID))
    }

    public init(from decoder: inout CanonicalDecoder) throws(CodecError) {
        height = try decoder.decode()
        round = try decoder.decode()
        type = try decoder.decode()
        blockID = try decoder.decodeOptional()
        validator = try decoder.decode()
        voteExtension = try decoder.decodeOptional()
        signature = try decoder.decode()
    }

    public func encode(to encoder: inout CanonicalEncoder) {
        encoder.encode(height)
        encoder.encode(round)
        encoder.encode(type)
        encoder.encode(blockID)
        encoder.encode(validator)
        encoder.encode(voteExtension)
        encoder.encode(signature)
    }
}

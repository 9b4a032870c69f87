import HMNPrimitives

/// A proposer's signed block proposal for one round (Tendermint's `⟨PROPOSAL, h, r, v, vr⟩`).
///
/// The signature covers the chain id, height, round, valid round, block id, timestamp and proposer;
/// the block bytes are bound through the id, which the application checks in `processProposal`.
public struct Proposal: Hashable, Sendable, CanonicalCodable {
    public var height: UInt64
    public var round: UInt32
    /// The round in which the proposer saw a polka for this block (`vr`), nil for a fresh block.
    public var validRound: UInt32?
    public var block: ProposedBlock
    public var timestampMilliseconds: UInt64
    public var proposer: PublicKey
    public var signature: Signature

    public init(
        height: UInt64, round: UInt32, validRound: UInt32?, block: ProposedBlock, timestampMilliseconds: UInt64,
        proposer: PublicKey, signature: Signature
    ) {
        self.height = height
        self.round = round
        self.validRound = validRound
        self.block = block
        self.timestampMilliseconds = timestampMilliseconds
        self.proposer = proposer
        self.signature = signature
    }

    /// Creates and signs a proposal.
    public static func signed(
        chainID: String, height: UInt64, round: UInt32, validRound: UInt32?, block: ProposedBlock,
        timestampMilliseconds: UInt64, key: SigningKey
    ) -> Proposal {
        let bytes = signBytes(
            chainID: chainID, height: height, round: round, validRound: validRound, blockID: block.id,
            timestampMilliseconds: timestampMilliseconds, proposer: key.publicKey)
        return Proposal(
            height: height, round: round, validRound: validRound, block: block,
            timestampMilliseconds: timestampMilliseconds, proposer: key.publicKey, signature: key.sign(bytes))
    }

    /// The exact bytes a proposer signs.
    public static func signBytes(
        chainID: String, height: UInt64, round: UInt32, validRound: UInt32?, blockID: Hash256,
        timestampMilliseconds: UInt64, proposer: PublicKey
    ) -> [UInt8] {
        var encoder = CanonicalEncoder(capacity: 128)
        encoder.encode("hmn/proposal/v1")
        encoder.encode(chainID)
        encoder.encode(height)
        encoder.encode(round)
        Self.encodeValidRound(validRound, to: &encoder)
        encoder.encode(blockID)
        encoder.encode(timestampMilliseconds)
        encoder.encode(proposer)
        return encoder.bytes
    }

    static func encodeValidRound(_ validRound: UInt32?, to encoder: inout CanonicalEncoder) {
        if let validRound {
            encoder.encode(UInt8(1))
            encoder.encode(validRound)
        } else {
            encoder.encode(UInt8(0))
        }
    }

    public func signBytes(chainID: String) -> [UInt8] {
        Self.signBytes(
            chainID: chainID, height: height, round: round, validRound: validRound, blockID: block.id,
            timestampMilliseconds: timestampMilliseconds, proposer: proposer)
    }

    public func verify(chainID: String) throws(CryptoError) {
        if let validRound, validRound >= round {
            throw CryptoError(.badSignature, "proposal valid round \(validRound) is not below round \(round)")
        }
        try proposer.verify(signature, for: signBytes(chainID: chainID))
    }

    public init(from decoder: inout CanonicalDecoder) throws(CodecError) {
        height = try decoder.decode()
        round = try decoder.decode()
        let tagOffset = decoder.offset
        switch try decoder.decode(UInt8.self) {
        case 0: validRound = nil
        case 1: validRound = try decoder.decode(UInt32.self)
        case let tag: throw CodecError(.unknownTag, offset: tagOffset, "valid round tag must be 0 or 1, got \(tag)")
        }
        block = try ProposedBlock(from: &decoder)
        timestampMilliseconds = try decoder.decode()
        proposer = try decoder.decode()
        signature = try decoder.decode()
    }

    public func encode(to encoder: inout CanonicalEncoder) {
        encoder.encode(height)
        encoder.encode(round)
        Self.encodeValidRound(validRound, to: &encoder)
        block.encodeCanonically(to: &encoder)
        encoder.encode(timestampMilliseconds)
        encoder.encode(proposer)
        encoder.encode(signature)
    }
}

extension ProposedBlock {
    /// Reads `id ‖ bytes`; the length limit is the decoder's (the message size bound).
    init(from decoder: inout CanonicalDecoder) throws(CodecError) {
        let id: Hash256 = try decoder.decode()
        let bytes = try decoder.decodeBytes()
        self.init(id: id, bytes: bytes)
    }

    func encodeCanonically(to encoder: inout CanonicalEncoder) {
        encoder.encode(id)
        encoder.encodeBytes(bytes)
    }
}

extension CommittedBlock {
    init(from decoder: inout CanonicalDecoder) throws(CodecError) {
        let height: UInt64 = try decoder.decode()
        let block = try ProposedBlock(from: &decoder)
        let commit: CommitCertificate = try decoder.decode()
        self.init(height: height, block: block, commit: commit)
    }

    func encodeCanonically(to encoder: inout CanonicalEncoder) {
        encoder.encode(height)
        block.encodeCanonically(to: &encoder)
        encoder.encode(commit)
    }
}

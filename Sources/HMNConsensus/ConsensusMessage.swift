import HMNPrimitives

/// Everything consensus nodes say to each other, with one canonical encoding.
///
/// A one-byte tag selects the case. ``decode(_:maxBytes:)`` checks the size bound before reading,
/// so an oversized or malformed message is rejected without allocation.
public enum ConsensusMessage: Hashable, Sendable, CanonicalCodable {
    case proposal(Proposal)
    case vote(Vote)
    /// "Send me the committed block at this height" (block sync).
    case blockRequest(height: UInt64)
    /// A committed block with the certificate that finalized it.
    case blockResponse(CommittedBlock)

    /// The height the message is about.
    public var height: UInt64 {
        switch self {
        case .proposal(let proposal): proposal.height
        case .vote(let vote): vote.height
        case .blockRequest(let height): height
        case .blockResponse(let block): block.height
        }
    }

    /// Decodes one message of at most `maxBytes`.
    public static func decode(_ bytes: [UInt8], maxBytes: Int) throws(CodecError) -> ConsensusMessage {
        guard bytes.count <= maxBytes else {
            throw CodecError(.oversizeLength, offset: 0, "message of \(bytes.count) bytes exceeds \(maxBytes)")
        }
        return try ConsensusMessage(canonicalBytes: bytes, maxLength: maxBytes)
    }

    public init(from decoder: inout CanonicalDecoder) throws(CodecError) {
        let start = decoder.offset
        switch try decoder.decode(UInt8.self) {
        case 1: self = .proposal(try decoder.decode())
        case 2: self = .vote(try decoder.decode())
        case 3: self = .blockRequest(height: try decoder.decode())
        case 4: self = .blockResponse(try CommittedBlock(from: &decoder))
        case let tag: throw CodecError(.unknownTag, offset: start, "unknown consensus message tag \(tag)")
        }
    }

    public func encode(to encoder: inout CanonicalEncoder) {
        switch self {
        case .proposal(let proposal):
            encoder.encode(UInt8(1))
            encoder.encode(proposal)
        case .vote(let vote):
            encoder.encode(UInt8(2))
            encoder.encode(vote)
        case .blockRequest(let height):
            encoder.encode(UInt8(3))
            encoder.encode(height)
        case .blockResponse(let block):
            encoder.encode(UInt8(4))
            block.encodeCanonically(to: &encoder)
        }
    }
}

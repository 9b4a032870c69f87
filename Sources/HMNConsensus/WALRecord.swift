import HMNPrimitives

/// What a node needs to resume a height: validator sets with proposer priorities, the last commit
/// and whether the height is an emergency height. Written whenever a height begins.
public struct HeightSnapshot: Hashable, Sendable, CanonicalCodable {
    public var height: UInt64
    public var validators: ValidatorSet
    public var nextValidators: ValidatorSet
    public var lastCommit: CommitCertificate?
    public var isEmergency: Bool
    /// Delay before round 0 of this height starts (the λ epoch delay, 0 on emergency heights).
    public var startDelayMilliseconds: UInt64

    public init(
        height: UInt64, validators: ValidatorSet, nextValidators: ValidatorSet, lastCommit: CommitCertificate?,
        isEmergency: Bool, startDelayMilliseconds: UInt64
    ) {
        self.height = height
        self.validators = validators
        self.nextValidators = nextValidators
        self.lastCommit = lastCommit
        self.isEmergency = isEmergency
        self.startDelayMilliseconds = startDelayMilliseconds
    }

    public init(from decoder: inout CanonicalDecoder) throws(CodecError) {
        height = try decoder.decode()
        validators = try decoder.decode()
        nextValidators = try decoder.decode()
        lastCommit = try decoder.decodeOptional()
        isEmergency = try decoder.decode()
        startDelayMilliseconds = try decoder.decode()
    }

    public func encode(to encoder: inout CanonicalEncoder) {
        encoder.encode(height)
        encoder.encode(validators)
        encoder.encode(nextValidators)
        encoder.encode(lastCommit)
        encoder.encode(isEmergency)
        encoder.encode(startDelayMilliseconds)
    }
}

/// One write-ahead-log entry. Replaying a height's records rebuilds its locks and votes, and the
/// node's own signed messages restore the double-sign guard.
public enum WALRecord: Hashable, Sendable, CanonicalCodable {
    case heightStarted(HeightSnapshot)
    case roundStarted(height: UInt64, round: UInt32)
    /// A proposal this node signed (persisted before it is sent).
    case signedProposal(Proposal)
    /// A vote this node signed (persisted before it is sent).
    case signedVote(Vote)
    /// A verified proposal or vote received from a peer.
    case received(ConsensusMessage)

    /// Whether the record must be on stable storage before the shell goes on (fsync).
    ///
    /// Only what this node signed: it is persisted before it is sent, so a crash can never make the
    /// node sign a conflicting message. A received message or a round start only speeds up
    /// recovery; losing it in a power cut is like losing it on the network (peers re-send votes,
    /// the round restarts by timeout). CometBFT's WAL makes the same split (`WriteSync` for the
    /// node's own messages, a buffered `Write` for the rest). An fsync flushes every earlier write
    /// of the file, so the durable records are always a prefix of the log.
    public var requiresSync: Bool {
        switch self {
        case .heightStarted, .signedProposal, .signedVote: true
        case .roundStarted, .received: false
        }
    }

    public init(from decoder: inout CanonicalDecoder) throws(CodecError) {
        let start = decoder.offset
        switch try decoder.decode(UInt8.self) {
        case 1: self = .heightStarted(try decoder.decode())
        case 2: self = .roundStarted(height: try decoder.decode(), round: try decoder.decode())
        case 3: self = .signedProposal(try decoder.decode())
        case 4: self = .signedVote(try decoder.decode())
        case 5: self = .received(try decoder.decode())
        case let tag: throw CodecError(.unknownTag, offset: start, "unknown WAL record tag \(tag)")
        }
    }

    public func encode(to encoder: inout CanonicalEncoder) {
        switch self {
        case .heightStarted(let snapshot):
            encoder.encode(UInt8(1))
            encoder.encode(snapshot)
        case .roundStarted(let height, let round):
            encoder.encode(UInt8(2))
            encoder.encode(height)
            encoder.encode(round)
        case .signedProposal(let proposal):
            encoder.encode(UInt8(3))
            encoder.encode(proposal)
        case .signedVote(let vote):
            encoder.encode(UInt8(4))
            encoder.encode(vote)
        case .received(let message):
            encoder.encode(UInt8(5))
            encoder.encode(message)
        }
    }
}

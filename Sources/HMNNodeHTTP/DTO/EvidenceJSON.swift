import HMNPrimitives

/// `POST /v1/evidence`: the hex of a canonically encoded ``DuplicateVoteEvidence`` (two conflicting
/// signed votes of one validator at one height and round).
public struct SubmitEvidenceRequest: Codable, Hashable, Sendable {
    public var evidence: String

    public init(evidence: String) { self.evidence = evidence }

    public init(_ evidence: DuplicateVoteEvidence) { self.evidence = Hex.encode(evidence.canonicalBytes) }
}

/// `POST /v1/evidence` answer (202): the offender and the offence height, pooled for the node's
/// next proposal. Whether it is committed (and what it slashes) shows in the blocks and the
/// offender's account (`slashedThroughHeight`).
public struct SubmitEvidenceResponse: Codable, Hashable, Sendable {
    public var validator: String
    public var height: UInt64
    /// Always `"pending"`.
    public var status: String

    public init(_ evidence: DuplicateVoteEvidence) {
        validator = evidence.validator.hex
        height = evidence.height
        status = "pending"
    }
}

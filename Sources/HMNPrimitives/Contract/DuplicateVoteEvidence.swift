/// Proof that a validator equivocated: two signed votes of the same type, height and round for
/// different blocks. Committing it slashes the validator and zeroes its Ψ (SPEC §4).
public struct DuplicateVoteEvidence: Hashable, Sendable, CanonicalCodable {
    /// The two votes, ordered by their canonical bytes so one offence has one encoding.
    public var voteA: Vote
    public var voteB: Vote

    public init(_ first: Vote, _ second: Vote) {
        if first.canonicalBytes.lexicographicallyPrecedes(second.canonicalBytes) {
            (voteA, voteB) = (first, second)
        } else {
            (voteA, voteB) = (second, first)
        }
    }

    public var validator: PublicKey { voteA.validator }
    public var height: UInt64 { voteA.height }

    /// Checks that the two votes really conflict and are both validly signed.
    public func verify(chainID: String) throws(CryptoError) {
        guard voteA.validator == voteB.validator, voteA.height == voteB.height, voteA.round == voteB.round,
            voteA.type == voteB.type, voteA.blockID != voteB.blockID
        else {
            throw CryptoError(.badSignature, "evidence votes do not conflict")
        }
        try voteA.verify(chainID: chainID)
        try voteB.verify(chainID: chainID)
    }

    public init(from decoder: inout CanonicalDecoder) throws(CodecError) {
        let start = decoder.offset
        voteA = try decoder.decode()
        voteB = try decoder.decode()
        guard voteA.canonicalBytes.lexicographicallyPrecedes(voteB.canonicalBytes) else {
            throw CodecError(.invalidValue, offset: start, "evidence votes are not in canonical order")
        }
    }

    public func encode(to encoder: inout CanonicalEncoder) {
        encoder.encode(voteA)
        encoder.encode(voteB)
    }
}

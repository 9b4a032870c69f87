import HMNPrimitives

/// The votes of one type in one round of one height, tallied by voting power.
///
/// Each validator counts once: its first vote is kept; a second, different vote is returned as a
/// conflict so the engine can build ``DuplicateVoteEvidence``.
struct VoteSet: Sendable {
    enum Outcome {
        case added
        case duplicate
        case conflict(existing: Vote)
    }

    private(set) var votes: [PublicKey: Vote] = [:]
    /// Power per block id (nil key = votes for nil).
    private(set) var powerByBlock: [Hash256?: UInt64] = [:]
    private(set) var totalPower: UInt64 = 0

    mutating func add(_ vote: Vote, power: UInt64) -> Outcome {
        if let existing = votes[vote.validator] {
            return existing.blockID == vote.blockID ? .duplicate : .conflict(existing: existing)
        }
        votes[vote.validator] = vote
        powerByBlock[vote.blockID, default: 0] += power
        totalPower += power
        return .added
    }

    /// The value (a block id, or nil) with more than 2/3 of the power, if any: `.some(nil)` is a
    /// nil polka. At most one value can pass 2/3 because each validator counts once.
    func majority(in validators: ValidatorSet) -> Hash256?? {
        for (blockID, power) in powerByBlock where validators.isQuorum(power) { return .some(blockID) }
        return .none
    }

    /// More than 2/3 of the power voted, for anything.
    func hasQuorumOfAny(in validators: ValidatorSet) -> Bool { validators.isQuorum(totalPower) }

    func votes(for blockID: Hash256?) -> [Vote] { votes.values.filter { $0.blockID == blockID } }
}

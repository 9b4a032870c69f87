import HMNPrimitives

/// The votes of one type in one round of one height, tallied by voting power.
///
/// A validator's first vote decides whether it "voted" (``hasQuorumOfAny(in:)``). An equivocating
/// validator's further votes for other values are kept too, each counted for its own value, and
/// reported as conflicts so the engine builds ``DuplicateVoteEvidence``. Counting them is what
/// CometBFT does for blocks a peer claims a +2/3 majority for: otherwise a node that happened to
/// hear the equivocator's other vote first could never assemble a polka the rest of the network
/// saw, and a locked proposer could stall the height forever. It is safe: with byzantine power
/// below 1/3 no two values can both exceed 2/3 in one node's tally.
struct VoteSet: Sendable {
    /// Distinct values one validator may occupy (bounds memory against a spamming equivocator).
    static let maxValuesPerValidator = 4

    enum Outcome {
        case added
        case duplicate
        case conflict(existing: Vote)
    }

    /// Each validator's first vote.
    private(set) var votes: [PublicKey: Vote] = [:]
    private var byValue: [Hash256?: [PublicKey: Vote]] = [:]
    private var valueCount: [PublicKey: Int] = [:]
    /// Power per block id (nil key = votes for nil).
    private(set) var powerByBlock: [Hash256?: UInt64] = [:]
    private(set) var totalPower: UInt64 = 0

    func contains(_ vote: Vote) -> Bool { byValue[vote.blockID]?[vote.validator] == vote }

    mutating func add(_ vote: Vote, power: UInt64) -> Outcome {
        if byValue[vote.blockID]?[vote.validator] != nil { return .duplicate }
        guard let first = votes[vote.validator] else {
            votes[vote.validator] = vote
            byValue[vote.blockID, default: [:]][vote.validator] = vote
            valueCount[vote.validator] = 1
            powerByBlock[vote.blockID, default: 0] += power
            totalPower += power
            return .added
        }
        if valueCount[vote.validator, default: 0] < Self.maxValuesPerValidator {
            valueCount[vote.validator, default: 0] += 1
            byValue[vote.blockID, default: [:]][vote.validator] = vote
            powerByBlock[vote.blockID, default: 0] += power
        }
        return .conflict(existing: first)
    }

    /// The value (a block id, or nil) with more than 2/3 of the power, if any: `.some(nil)` is a
    /// nil polka.
    func majority(in validators: ValidatorSet) -> Hash256?? {
        for (blockID, power) in powerByBlock where validators.isQuorum(power) { return .some(blockID) }
        return .none
    }

    /// More than 2/3 of the power voted, for anything.
    func hasQuorumOfAny(in validators: ValidatorSet) -> Bool { validators.isQuorum(totalPower) }

    func votes(for blockID: Hash256?) -> [Vote] { byValue[blockID].map { Array($0.values) } ?? [] }

    func vote(of validator: PublicKey, for blockID: Hash256?) -> Vote? { byValue[blockID]?[validator] }
}

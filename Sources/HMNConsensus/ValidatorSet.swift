import HMNPrimitives

/// A validator set with CometBFT's proposer priorities: weighted round-robin proposer selection.
///
/// Follows CometBFT `types/validator_set.go`: every increment adds each validator's power to its
/// priority, picks the highest priority (ties broken by the smaller key) as proposer and subtracts
/// the total power from it. Over `total power` rounds a stable set makes each validator proposer
/// exactly `power` times. Priorities are rescaled to a window of 2 × total power and centred on
/// zero before each batch of increments, and a validator that joins starts at −1.125 × total power,
/// so it cannot propose at once. Everything is integer arithmetic, so every node agrees.
public struct ValidatorSet: Hashable, Sendable, CanonicalCodable {
    /// Upper bound on validators, checked when decoding.
    public static let maxValidators = 10_000
    /// CometBFT's bound on total power, which keeps priority arithmetic far from overflow.
    public static let maxTotalPower: UInt64 = UInt64(Int64.max) / 8

    /// One member with its priority.
    public struct Member: Hashable, Sendable, CanonicalCodable {
        public var publicKey: PublicKey
        public var power: UInt64
        public var priority: Int64

        public init(publicKey: PublicKey, power: UInt64, priority: Int64) {
            self.publicKey = publicKey
            self.power = power
            self.priority = priority
        }

        public init(from decoder: inout CanonicalDecoder) throws(CodecError) {
            publicKey = try decoder.decode()
            power = try decoder.decode()
            priority = try decoder.decode(Int64.self)
        }

        public func encode(to encoder: inout CanonicalEncoder) {
            encoder.encode(publicKey)
            encoder.encode(power)
            encoder.encode(priority)
        }
    }

    /// Members sorted by public key.
    public private(set) var members: [Member]
    /// The proposer of round 0 at the height this set belongs to.
    public private(set) var proposer: PublicKey
    public private(set) var totalPower: UInt64
    private var indexByKey: [PublicKey: Int]

    /// A fresh set (genesis): every member starts as a newcomer, then one increment picks the
    /// first proposer, as CometBFT's `NewValidatorSet` does.
    public init(_ validators: [ValidatorPower]) throws(ConsensusError) {
        guard let first = validators.first else {
            throw ConsensusError(.invalidValidatorUpdate, "a validator set needs at least one validator")
        }
        members = []
        proposer = first.publicKey
        totalPower = 0
        indexByKey = [:]
        try apply(updates: validators)
        incrementProposerPriority(times: 1)
    }

    public var count: Int { members.count }

    /// Voting powers in key order, as the contract types want them.
    public var powers: [ValidatorPower] { members.map { ValidatorPower(publicKey: $0.publicKey, power: $0.power) } }

    public func power(of key: PublicKey) -> UInt64? {
        indexByKey[key].map { members[$0].power }
    }

    public func contains(_ key: PublicKey) -> Bool { indexByKey[key] != nil }

    /// `power > 2/3 total` (a quorum, "2f + 1").
    public func isQuorum(_ power: UInt64) -> Bool { UInt128(power) * 3 > UInt128(totalPower) * 2 }

    /// `power > 1/3 total` ("f + 1": at least one honest validator among them).
    public func exceedsOneThird(_ power: UInt64) -> Bool { UInt128(power) * 3 > UInt128(totalPower) }

    /// The proposer of `round` at this height: round 0's proposer, then one increment per round.
    public func proposer(forRound round: UInt32) -> PublicKey {
        if round == 0 { return proposer }
        var copy = self
        copy.incrementProposerPriority(times: Int(round))
        return copy.proposer
    }

    /// Applies power changes (0 removes a validator), as CometBFT's `UpdateWithChangeSet`.
    public mutating func apply(updates: [ValidatorPower]) throws(ConsensusError) {
        var seen = Set<PublicKey>()
        for update in updates where !seen.insert(update.publicKey).inserted {
            throw ConsensusError(.invalidValidatorUpdate, "duplicate update for \(update.publicKey.short)")
        }
        var powers = Dictionary(uniqueKeysWithValues: members.map { ($0.publicKey, $0) })
        // CometBFT places newcomers relative to the total after additions, before removals.
        var totalBeforeRemovals = UInt128(totalPower)
        for update in updates where update.power > 0 {
            totalBeforeRemovals =
                totalBeforeRemovals - UInt128(powers[update.publicKey]?.power ?? 0)
                + UInt128(update.power)
        }
        guard totalBeforeRemovals <= UInt128(Self.maxTotalPower) else {
            throw ConsensusError(.invalidValidatorUpdate, "total power would exceed \(Self.maxTotalPower)")
        }
        let newcomerPriority = -Int64(totalBeforeRemovals + totalBeforeRemovals >> 3)
        for update in updates {
            if update.power == 0 {
                guard powers.removeValue(forKey: update.publicKey) != nil else {
                    throw ConsensusError(
                        .invalidValidatorUpdate, "cannot remove unknown validator \(update.publicKey.short)")
                }
            } else if var member = powers[update.publicKey] {
                member.power = update.power
                powers[update.publicKey] = member
            } else {
                powers[update.publicKey] = Member(
                    publicKey: update.publicKey, power: update.power, priority: newcomerPriority)
            }
        }
        guard !powers.isEmpty else {
            throw ConsensusError(.invalidValidatorUpdate, "update would leave the validator set empty")
        }
        guard powers.count <= Self.maxValidators else {
            throw ConsensusError(.invalidValidatorUpdate, "more than \(Self.maxValidators) validators")
        }
        members = powers.values.sorted { $0.publicKey < $1.publicKey }
        rebuildIndex()
        if !contains(proposer) { proposer = members[0].publicKey }
        rescalePriorities(diffMax: 2 * Int64(totalPower))
        shiftByAveragePriority()
    }

    /// Advances the round-robin `times` steps; ``proposer`` is the last one chosen.
    public mutating func incrementProposerPriority(times: Int) {
        precondition(!members.isEmpty && times > 0)
        rescalePriorities(diffMax: 2 * Int64(totalPower))
        shiftByAveragePriority()
        let total = Int64(totalPower)
        for _ in 0..<times {
            var best = 0
            for index in members.indices {
                members[index].priority += Int64(members[index].power)
                let candidate = members[index]
                let current = members[best]
                if candidate.priority > current.priority
                    || (candidate.priority == current.priority && candidate.publicKey < current.publicKey)
                {
                    best = index
                }
            }
            members[best].priority -= total
            proposer = members[best].publicKey
        }
    }

    /// A copy with `updates` applied and one increment, the set for the height after next.
    public func advanced(applying updates: [ValidatorPower]) throws(ConsensusError) -> ValidatorSet {
        var next = self
        if !updates.isEmpty { try next.apply(updates: updates) }
        next.incrementProposerPriority(times: 1)
        return next
    }

    private mutating func rescalePriorities(diffMax: Int64) {
        guard diffMax > 0, let low = members.map(\.priority).min(), let high = members.map(\.priority).max()
        else { return }
        let diff = high - low
        guard diff > diffMax else { return }
        let ratio = (diff + diffMax - 1) / diffMax
        for index in members.indices { members[index].priority /= ratio }
    }

    private mutating func shiftByAveragePriority() {
        let sum = members.reduce(Int128(0)) { $0 + Int128($1.priority) }
        let count = Int128(members.count)
        // Floor division, as Go's big.Int Div for a positive divisor.
        var average = sum / count
        if sum % count != 0 && sum < 0 { average -= 1 }
        for index in members.indices { members[index].priority -= Int64(average) }
    }

    private mutating func rebuildIndex() {
        indexByKey = Dictionary(uniqueKeysWithValues: members.enumerated().map { ($1.publicKey, $0) })
        totalPower = members.reduce(0) { $0 + $1.power }
    }

    public init(from decoder: inout CanonicalDecoder) throws(CodecError) {
        let start = decoder.offset
        members = try decoder.decodeArray(maxCount: Self.maxValidators)
        proposer = try decoder.decode()
        indexByKey = [:]
        totalPower = 0
        guard !members.isEmpty, zip(members, members.dropFirst()).allSatisfy({ $0.publicKey < $1.publicKey }),
            members.allSatisfy({ $0.power > 0 })
        else {
            throw CodecError(.invalidValue, offset: start, "validator set must be non-empty, sorted, positive power")
        }
        guard members.reduce(UInt128(0), { $0 + UInt128($1.power) }) <= UInt128(Self.maxTotalPower) else {
            throw CodecError(.invalidValue, offset: start, "validator set power exceeds the maximum")
        }
        rebuildIndex()
        guard contains(proposer) else {
            throw CodecError(.invalidValue, offset: start, "proposer is not a member of the set")
        }
    }

    public func encode(to encoder: inout CanonicalEncoder) {
        encoder.encode(members)
        encoder.encode(proposer)
    }

    public static func == (lhs: ValidatorSet, rhs: ValidatorSet) -> Bool {
        lhs.members == rhs.members && lhs.proposer == rhs.proposer
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(members)
        hasher.combine(proposer)
    }
}

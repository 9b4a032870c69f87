import HMNPrimitives

/// Ways a byzantine validator misbehaves (its own engine runs honestly; the shell corrupts what it sends).
public struct ByzantineBehavior: OptionSet, Hashable, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// Every vote is followed by a conflicting signed vote to a random half of the peers.
    public static let equivocate = ByzantineBehavior(rawValue: 1)
    /// Its proposals carry garbage blocks (signed, so only the application can reject them).
    public static let invalidProposals = ByzantineBehavior(rawValue: 2)
    /// It also sends votes with bad signatures or unknown blocks, and random bytes.
    public static let garbage = ByzantineBehavior(rawValue: 4)
    public static let all: ByzantineBehavior = [.equivocate, .invalidProposals, .garbage]
}

/// A network partition for a time window.
public struct PartitionEpisode: Hashable, Sendable {
    public var startMilliseconds: UInt64
    public var endMilliseconds: UInt64
    /// Messages from a node in `from` to a node in `to` are dropped; symmetric partitions block both ways.
    public var from: Set<Int>
    public var to: Set<Int>
    public var symmetric: Bool

    public init(startMilliseconds: UInt64, endMilliseconds: UInt64, from: Set<Int>, to: Set<Int>, symmetric: Bool) {
        self.startMilliseconds = startMilliseconds
        self.endMilliseconds = endMilliseconds
        self.from = from
        self.to = to
        self.symmetric = symmetric
    }

    func blocks(_ sender: Int, _ receiver: Int, at time: UInt64) -> Bool {
        guard time >= startMilliseconds && time < endMilliseconds else { return false }
        if from.contains(sender) && to.contains(receiver) { return true }
        return symmetric && to.contains(sender) && from.contains(receiver)
    }
}

/// A crash of one node and its restart from its WAL and disk.
public struct CrashEpisode: Hashable, Sendable {
    public var node: Int
    public var crashMilliseconds: UInt64
    public var restartMilliseconds: UInt64

    public init(node: Int, crashMilliseconds: UInt64, restartMilliseconds: UInt64) {
        self.node = node
        self.crashMilliseconds = crashMilliseconds
        self.restartMilliseconds = restartMilliseconds
    }
}

/// The faults of one simulation run. Until ``healMilliseconds`` links delay, lose, duplicate and
/// reorder messages, partitions come and go and nodes crash; after it the network is clean
/// (1–``healedMaxDelayMilliseconds`` ms, no loss) and every honest node is up, so liveness is due.
public struct FaultPlan: Hashable, Sendable {
    public var minDelayMilliseconds: UInt64 = 1
    public var maxDelayMilliseconds: UInt64 = 1
    public var lossPerMille: UInt64 = 0
    public var duplicatePerMille: UInt64 = 0
    /// Share of messages held back by up to twice the maximum delay (reordering).
    public var reorderPerMille: UInt64 = 0
    public var partitions: [PartitionEpisode] = []
    public var crashes: [CrashEpisode] = []
    /// Per-node clock offset, within ±``maxClockSkewMilliseconds``.
    public var clockSkewMilliseconds: [Int64] = []
    public var byzantine: [Int: ByzantineBehavior] = [:]
    public var faultyShardDigests: Set<Int> = []
    public var healMilliseconds: UInt64 = 0
    public var healedMaxDelayMilliseconds: UInt64 = 10

    public static let maxClockSkewMilliseconds: Int64 = 50

    public init() {}

    /// A random plan: delay 0–100 ms, loss 0–30 %, duplication, reordering, up to two partitions
    /// (symmetric or not), up to two crash/restart episodes, clock skew, and byzantine validators
    /// holding less than a third of the power.
    public static func random(
        powers: [UInt64], healMilliseconds: UInt64, using generator: inout SeededGenerator
    ) -> FaultPlan {
        let count = powers.count
        var plan = FaultPlan()
        plan.healMilliseconds = healMilliseconds
        plan.maxDelayMilliseconds = UInt64.random(in: 0...100, using: &generator)
        plan.minDelayMilliseconds = UInt64.random(in: 0...plan.maxDelayMilliseconds, using: &generator)
        plan.lossPerMille = UInt64.random(in: 0...300, using: &generator)
        plan.duplicatePerMille = UInt64.random(in: 0...100, using: &generator)
        plan.reorderPerMille = UInt64.random(in: 0...200, using: &generator)
        plan.clockSkewMilliseconds = (0..<count).map { _ in
            Int64.random(in: -maxClockSkewMilliseconds...maxClockSkewMilliseconds, using: &generator)
        }
        // Byzantine validators: a random set whose power stays below one third.
        let total = powers.reduce(0, +)
        var byzantinePower: UInt64 = 0
        for node in (0..<count).shuffled(using: &generator) where Bool.random(using: &generator) {
            guard (byzantinePower + powers[node]) * 3 < total else { continue }
            byzantinePower += powers[node]
            var behavior = ByzantineBehavior(rawValue: UInt8.random(in: 1...7, using: &generator))
            if behavior.isEmpty { behavior = .equivocate }
            plan.byzantine[node] = behavior
        }
        let honest = (0..<count).filter { plan.byzantine[$0] == nil }
        for _ in 0..<Int.random(in: 0...2, using: &generator) {
            let start = UInt64.random(in: 0..<healMilliseconds, using: &generator)
            let end = UInt64.random(in: start...healMilliseconds, using: &generator)
            let shuffled = (0..<count).shuffled(using: &generator)
            let cut = Int.random(in: 1..<count, using: &generator)
            plan.partitions.append(
                PartitionEpisode(
                    startMilliseconds: start, endMilliseconds: end, from: Set(shuffled[..<cut]),
                    to: Set(shuffled[cut...]), symmetric: Bool.random(using: &generator)))
        }
        for node in honest.shuffled(using: &generator).prefix(Int.random(in: 0...2, using: &generator)) {
            let crash = UInt64.random(in: 0..<healMilliseconds, using: &generator)
            let restart = UInt64.random(in: crash...max(crash, healMilliseconds), using: &generator)
            plan.crashes.append(CrashEpisode(node: node, crashMilliseconds: crash, restartMilliseconds: restart))
        }
        return plan
    }

    /// A one-line summary for logs and failure reports.
    public var summary: String {
        "delay \(minDelayMilliseconds)-\(maxDelayMilliseconds)ms loss \(lossPerMille)‰ dup \(duplicatePerMille)‰ "
            + "reorder \(reorderPerMille)‰ partitions \(partitions.count) crashes \(crashes.count) "
            + "byzantine \(byzantine.keys.sorted()) heal \(healMilliseconds)ms"
    }
}

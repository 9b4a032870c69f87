import HMNPrimitives

/// One kind of fault a ``FaultCampaign`` applies to real node processes.
public enum FaultKind: String, Codable, CaseIterable, Hashable, Sendable {
    /// `kill -9`, then a fresh start after the down time (a crash: no flush, no goodbye).
    case crash
    /// SIGSTOP, then SIGCONT after the down time (a frozen process: sockets stay open, nothing answers).
    case pause
    /// SIGTERM (a graceful stop), then a fresh start after the down time.
    case restart
    /// The chosen nodes are cut off from the others (network namespaces) for the down time.
    case partition
    /// A one-way partition: every packet toward the chosen nodes is dropped for the down time, while
    /// what they send still goes out. Over TCP the others keep receiving what a deaf node sends until
    /// its send window fills (their acknowledgements never reach it), and it hears nothing.
    case deafen
}

/// One fault of a plan: at `atMilliseconds` after the start of the run, `kind` hits `nodes` for
/// `downMilliseconds`.
public struct PlannedFault: Codable, Hashable, Sendable {
    public var index: Int
    public var atMilliseconds: UInt64
    public var kind: FaultKind
    public var nodes: [Int]
    public var downMilliseconds: UInt64

    public init(index: Int, atMilliseconds: UInt64, kind: FaultKind, nodes: [Int], downMilliseconds: UInt64) {
        self.index = index
        self.atMilliseconds = atMilliseconds
        self.kind = kind
        self.nodes = nodes
        self.downMilliseconds = downMilliseconds
    }
}

/// The schedule of a fault campaign, a pure function of its settings and seed: the same seed gives
/// the same faults at the same offsets on the same nodes. (Only the schedule replays: how real
/// processes, sockets and the scheduler interleave around it does not.)
///
/// At most ``Settings/maxFaulty`` validators are faulty at once, counting a recovery allowance after
/// each fault (a restarted node needs time to start and catch up). The default is
/// f = ⌊(N − 1)/3⌋, which keeps a quorum alive, so the chain must keep finalizing; above f stalls are
/// expected, forks never.
public struct FaultPlan: Codable, Hashable, Sendable {
    /// What a plan is drawn from.
    public struct Settings: Codable, Hashable, Sendable {
        public var validators: Int
        public var durationSeconds: Int
        public var seed: UInt64
        /// Whether partitions are among the faults (needs network namespaces).
        public var partitions: Bool
        /// Whether one-way partitions (``FaultKind/deafen``) are among the faults too. A separate
        /// switch so that the schedules of seeds drawn without them stay what they were.
        public var oneWayPartitions: Bool
        /// Validators faulty at once; f = ⌊(N − 1)/3⌋ by default.
        public var maxFaulty: Int
        /// A new fault is considered every 2–6 s.
        public var intervalMilliseconds: ClosedRange<UInt64> = 2_000...6_000
        public var downMilliseconds: ClosedRange<UInt64> = 1_000...8_000
        /// Time a node counts as faulty after its fault ends (start-up and catch-up).
        public var recoveryAllowanceMilliseconds: UInt64 = 6_000
        /// No fault in the first seconds, so the chain is running when they begin.
        public var warmupMilliseconds: UInt64 = 3_000

        public init(
            validators: Int, durationSeconds: Int, seed: UInt64, partitions: Bool = false,
            oneWayPartitions: Bool = false, maxFaulty: Int? = nil
        ) {
            self.validators = validators
            self.durationSeconds = durationSeconds
            self.seed = seed
            self.partitions = partitions
            self.oneWayPartitions = oneWayPartitions
            self.maxFaulty = maxFaulty ?? Self.tolerated(validators)
        }

        /// f = ⌊(N − 1)/3⌋: the faulty validators BFT consensus tolerates.
        public static func tolerated(_ validators: Int) -> Int { max(0, (validators - 1) / 3) }

        /// Whether the plan stays within f (then the chain must stay live).
        public var withinTolerance: Bool { maxFaulty <= Self.tolerated(validators) }

        public var kinds: [FaultKind] {
            var kinds: [FaultKind] = [.crash, .pause, .restart]
            if partitions { kinds.append(.partition) }
            if oneWayPartitions { kinds.append(.deafen) }
            return kinds
        }
    }

    public var settings: Settings
    /// The faults in time order.
    public var faults: [PlannedFault]

    public init(settings: Settings, faults: [PlannedFault]) {
        self.settings = settings
        self.faults = faults
    }

    /// Draws the schedule from `settings.seed`.
    public init(_ settings: Settings) {
        var generator = SeededGenerator(seed: settings.seed)
        let end = UInt64(settings.durationSeconds) * 1_000
        var busyUntil = [UInt64](repeating: 0, count: settings.validators)
        var faults: [PlannedFault] = []
        var time = settings.warmupMilliseconds
        while time < end {
            let kind = settings.kinds.randomElement(using: &generator)!
            let down = UInt64.random(in: settings.downMilliseconds, using: &generator)
            let free = (0..<settings.validators).filter { busyUntil[$0] <= time }
            let available = min(free.count, settings.maxFaulty - (settings.validators - free.count))
            if available > 0, time + down <= end {
                let count = Int.random(in: 1...available, using: &generator)
                let nodes = Array(free.shuffled(using: &generator).prefix(count)).sorted()
                for node in nodes { busyUntil[node] = time + down + settings.recoveryAllowanceMilliseconds }
                faults.append(
                    PlannedFault(
                        index: faults.count, atMilliseconds: time, kind: kind, nodes: nodes, downMilliseconds: down))
            }
            time += UInt64.random(in: settings.intervalMilliseconds, using: &generator)
        }
        self.init(settings: settings, faults: faults)
    }

    /// The most validators the plan has faulty at one instant (down time plus recovery allowance).
    public var peakFaulty: Int {
        var peak = 0
        for fault in faults {
            let t = fault.atMilliseconds
            let overlapping = faults.filter {
                $0.atMilliseconds <= t
                    && t < $0.atMilliseconds + $0.downMilliseconds + settings.recoveryAllowanceMilliseconds
            }
            peak = max(peak, Set(overlapping.flatMap(\.nodes)).count)
        }
        return peak
    }
}

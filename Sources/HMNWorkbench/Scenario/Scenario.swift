/// A study of λ policies on a simulated network: who runs, for how long, under which load and
/// faults, with which policies and seeds. Loaded from a JSON file (format in Docs/RESEARCH.md,
/// shipped examples under `Scenarios/`); a run is a pure function of the scenario, a policy and a
/// seed, so a study can be shared and replayed exactly.
public struct Scenario: Hashable, Sendable {
    /// A short name, used in output file names.
    public var name: String
    /// One or two sentences: what the scenario studies.
    public var summary: String = ""
    /// Number of validators N (one simulated node each).
    public var validators: Int
    /// Voting power per validator; nil means 10 each.
    public var powers: [UInt64]?
    /// Virtual time each run covers.
    public var duration: VirtualDuration
    /// How many seeds to run per policy, starting at ``firstSeed``.
    public var seeds: Int = 3
    public var firstSeed: UInt64 = 1
    public var network = NetworkModel()
    public var load = LoadModel()
    public var faults = ScenarioFaults()
    /// Policies to compare when the command line names none; empty means the shipped four.
    public var policies: [PolicySpec] = []
    /// Lets byzantine validators hold ≥ 1/3 of the power (safety may break: a fork study).
    public var allowForkStudy = false
    /// Ĉ below this makes the next height an emergency height (SPEC §6); also the line the
    /// "time below" metric and the plots use.
    public var emergencyThreshold: Double = 0.7
    /// Epoch length at λ = 1 (SPEC §2: `epoch = max(baseEpoch/5, baseEpoch × λ)`). The simulator's
    /// 100 ms keeps runs short; the SPEC default is 1 s.
    public var baseEpoch = VirtualDuration(milliseconds: 100)
    /// Ĉ at or above this after the last fault counts as recovered ("time to recover"); nil means
    /// the emergency threshold. (A healthy network sits at Ĉ = 1: the engine adds late precommits to
    /// the last commit, so every live validator counts.)
    public var recoveryCoherence: Double?

    public init(name: String, validators: Int, duration: VirtualDuration) {
        self.name = name
        self.validators = validators
        self.duration = duration
    }

    /// ``recoveryCoherence`` or, when unset, ``emergencyThreshold``.
    public var recoveryLevel: Double { recoveryCoherence ?? emergencyThreshold }

    /// Voting power of each validator.
    public var resolvedPowers: [UInt64] { powers ?? Array(repeating: 10, count: max(validators, 0)) }

    /// The seeds a campaign runs: ``firstSeed`` …  ``firstSeed`` + ``seeds`` − 1.
    public var seedList: [UInt64] { (0..<UInt64(max(seeds, 0))).map { firstSeed &+ $0 } }

    /// When the last fault window closes (0 without faults): the simulator's heal time, after
    /// which links are clean, and the start of the "time to recover" clock.
    public var faultsEndMilliseconds: UInt64 {
        let ends =
            faults.crashes.map { $0.at.milliseconds + $0.duration.milliseconds }
            + faults.partitions.map { $0.at.milliseconds + $0.duration.milliseconds }
            + faults.memoryDivergence.map { $0.at.milliseconds + $0.duration.milliseconds }
            + faults.replicaFaults.map { $0.at.milliseconds + $0.duration.milliseconds }
        return ends.max() ?? 0
    }
}

/// Link behaviour. Delays apply all run long; loss and duplication only while faults last (until
/// ``Scenario/faultsEndMilliseconds``), after which the simulator's network is clean.
public struct NetworkModel: Hashable, Sendable {
    public var minDelay = VirtualDuration(milliseconds: 2)
    public var maxDelay = VirtualDuration(milliseconds: 20)
    public var lossPercent: Double = 0
    public var duplicatePercent: Double = 0

    public init() {}
}

/// Client load: a base rate of transactions per second and non-overlapping spikes that replace it
/// for a window. Arrivals are a pure function of time, so every node agrees on them.
public struct LoadModel: Hashable, Sendable {
    public struct Spike: Hashable, Sendable {
        public var at: VirtualDuration
        public var duration: VirtualDuration
        public var transactionsPerSecond: Double

        public init(at: VirtualDuration, duration: VirtualDuration, transactionsPerSecond: Double) {
            self.at = at
            self.duration = duration
            self.transactionsPerSecond = transactionsPerSecond
        }
    }

    public var transactionsPerSecond: Double = 0
    public var spikes: [Spike] = []

    public init(transactionsPerSecond: Double = 0, spikes: [Spike] = []) {
        self.transactionsPerSecond = transactionsPerSecond
        self.spikes = spikes
    }

    /// Transactions arrived in `[0, milliseconds)`: ⌊∫ rate dt⌋.
    public func arrivals(until milliseconds: UInt64) -> Int {
        var total = transactionsPerSecond * Double(milliseconds)
        for spike in spikes {
            let start = spike.at.milliseconds
            let end = start + spike.duration.milliseconds
            guard milliseconds > start else { continue }
            let overlap = Double(min(milliseconds, end) - start)
            total += (spike.transactionsPerSecond - transactionsPerSecond) * overlap
        }
        return Int(max(total, 0) / 1_000)
    }
}

/// The faults of a scenario, each at a fixed virtual time.
public struct ScenarioFaults: Hashable, Sendable {
    /// A validator crashes at `at` and restarts from its disk and WAL after `duration`.
    public struct Crash: Hashable, Sendable {
        public var node: Int
        public var at: VirtualDuration
        public var duration: VirtualDuration

        public init(node: Int, at: VirtualDuration, duration: VirtualDuration) {
            self.node = node
            self.at = at
            self.duration = duration
        }
    }

    /// The `isolate` group is cut off from the others from `at` for `duration` (both ways unless
    /// `symmetric` is false, then only isolate → others is blocked).
    public struct Partition: Hashable, Sendable {
        public var isolate: [Int]
        public var at: VirtualDuration
        public var duration: VirtualDuration
        public var symmetric = true

        public init(isolate: [Int], at: VirtualDuration, duration: VirtualDuration, symmetric: Bool = true) {
            self.isolate = isolate
            self.at = at
            self.duration = duration
            self.symmetric = symmetric
        }
    }

    /// A validator that misbehaves all run long (its engine is honest; the shell corrupts output).
    public struct Byzantine: Hashable, Sendable {
        public var node: Int
        /// Any of `equivocate`, `invalidProposals`, `garbage`.
        public var behaviour: [String] = ["equivocate", "invalidProposals", "garbage"]

        public init(node: Int, behaviour: [String] = ["equivocate", "invalidProposals", "garbage"]) {
            self.node = node
            self.behaviour = behaviour
        }
    }

    /// The listed validators report shard digests that disagree with the majority while the last
    /// committed block's time is in the window: their coherence contribution is 0, so Ĉ falls.
    public struct MemoryDivergence: Hashable, Sendable {
        public var nodes: [Int]
        public var at: VirtualDuration
        public var duration: VirtualDuration

        public init(nodes: [Int], at: VirtualDuration, duration: VirtualDuration) {
            self.nodes = nodes
            self.at = at
            self.duration = duration
        }

        public func contains(node: Int, atMilliseconds time: UInt64) -> Bool {
            nodes.contains(node) && time >= at.milliseconds && time < at.milliseconds + duration.milliseconds
        }
    }

    /// The listed validators' memory replicas go bad while the last committed block's time is in
    /// the window, and their shard digests follow what they hold (unlike ``MemoryDivergence``, which
    /// scripts the digest): `drop` stops integrating new records, so the node disagrees only once
    /// records were written after the fault began; `corrupt` alters the content of every record it
    /// holds. When the window closes the node repairs from its peers and agrees again.
    public struct ReplicaFault: Hashable, Sendable {
        public enum Kind: String, Hashable, Sendable, Decodable, CaseIterable {
            case drop, corrupt
        }

        public var nodes: [Int]
        public var kind: Kind
        public var at: VirtualDuration
        public var duration: VirtualDuration

        public init(nodes: [Int], kind: Kind, at: VirtualDuration, duration: VirtualDuration) {
            self.nodes = nodes
            self.kind = kind
            self.at = at
            self.duration = duration
        }

        public func contains(node: Int, atMilliseconds time: UInt64) -> Bool {
            nodes.contains(node) && time >= at.milliseconds && time < at.milliseconds + duration.milliseconds
        }
    }

    public var crashes: [Crash] = []
    public var partitions: [Partition] = []
    public var byzantine: [Byzantine] = []
    public var memoryDivergence: [MemoryDivergence] = []
    public var replicaFaults: [ReplicaFault] = []

    public init() {}
}

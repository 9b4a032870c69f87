import HMNConsensus
import HMNPrimitives

/// Everything that determines a simulation run. Two runs with equal configurations (and the same
/// application factory) produce the same trace hash.
public struct SimulationConfiguration: Hashable, Sendable {
    public var seed: UInt64
    public var chainID = "hmn-sim"
    /// Voting power of each validator (one node per validator).
    public var powers: [UInt64]
    public var consensus: ConsensusConfiguration = SimulationConfiguration.defaultConsensus
    public var faults = FaultPlan()
    /// After the heal, every honest node must finalize this many more heights (liveness).
    public var heightsAfterHeal: UInt64 = 2
    /// … within this much virtual time after the heal, or the run reports a liveness violation.
    public var livenessBoundMilliseconds: UInt64 = 30_000
    /// Keep running at least until every honest node has finalized this height.
    public var minimumHeight: UInt64 = 0
    public var stopOnFirstViolation = true

    public init(seed: UInt64, powers: [UInt64]) {
        self.seed = seed
        self.powers = powers
    }

    /// Timeouts scaled to the simulator's 0–100 ms links.
    public static var defaultConsensus: ConsensusConfiguration {
        var configuration = ConsensusConfiguration()
        configuration.proposeTimeoutMilliseconds = 200
        configuration.proposeTimeoutDeltaMilliseconds = 100
        configuration.prevoteTimeoutMilliseconds = 100
        configuration.prevoteTimeoutDeltaMilliseconds = 50
        configuration.precommitTimeoutMilliseconds = 100
        configuration.precommitTimeoutDeltaMilliseconds = 50
        configuration.gossipIntervalMilliseconds = 150
        configuration.syncRetryMilliseconds = 100
        configuration.maxBlockBytes = 1 << 20
        configuration.maxMessageBytes = 2 << 20
        return configuration
    }

    /// A random network for `seed`: 4–7 validators (by default) with powers 1–10 and a random
    /// ``FaultPlan`` healing after `healMilliseconds`.
    public static func random(
        seed: UInt64, validatorCounts: ClosedRange<Int> = 4...7, healMilliseconds: ClosedRange<UInt64> = 800...2_000
    ) -> SimulationConfiguration {
        var generator = SeededGenerator(seed: seed)
        let count = Int.random(in: validatorCounts, using: &generator)
        let powers = (0..<count).map { _ in UInt64.random(in: 1...10, using: &generator) }
        var configuration = SimulationConfiguration(seed: seed, powers: powers)
        let heal = UInt64.random(in: healMilliseconds, using: &generator)
        configuration.faults = FaultPlan.random(powers: powers, healMilliseconds: heal, using: &generator)
        return configuration
    }
}

/// A broken invariant found by a checker.
public struct Violation: Hashable, Sendable, CustomStringConvertible {
    public enum Kind: String, Hashable, Sendable {
        case agreement, validity, appHash, doubleSign, halted, recovery, liveness
    }

    public var kind: Kind
    public var timeMilliseconds: UInt64
    public var node: Int?
    public var message: String

    public var description: String {
        "\(kind.rawValue) at \(timeMilliseconds) ms\(node.map { " on node \($0)" } ?? ""): \(message)"
    }
}

/// What a run did and found.
public struct SimulationReport: Sendable, CustomStringConvertible {
    public var seed: UInt64
    public var traceHash: Hash256
    public var violations: [Violation]
    public var finalHeights: [UInt64]
    public var virtualMilliseconds: UInt64
    public var eventsProcessed: Int
    public var messagesSent: Int
    public var bytesSent: Int
    public var messagesDropped: Int
    public var malformedMessages: Int
    public var evidenceDetected: Int
    public var blocksSynced: Int
    public var restarts: Int
    public var emergencyHeightsFinalized: Int
    /// Virtual time from round 0 of a height to its finalization, per honest node and height.
    public var heightLatenciesMilliseconds: [UInt64]
    /// Highest height finalized by every honest node.
    public var committedHeight: UInt64
    public var faultSummary: String

    public var passed: Bool { violations.isEmpty }

    public var description: String {
        "seed \(seed) \(passed ? "ok" : "FAILED") trace \(traceHash.short) heights \(finalHeights) "
            + "events \(eventsProcessed) msgs \(messagesSent) virtual \(virtualMilliseconds) ms [\(faultSummary)]"
            + violations.map { "\n  violation: \($0)" }.joined()
    }
}

import HMNConsensus
import HMNPrimitives
import Logging

/// A deterministic, seeded simulation of a whole consensus network in one process.
///
/// Nodes run the real ``ConsensusEngine`` and a real application (from a
/// ``SimulatedApplicationFactory``) on virtual time: one event queue ordered by (time, insertion
/// order), one seeded generator for every random choice, no threads, sleeps or wall clock — in the
/// spirit of TigerBeetle's VOPR and FoundationDB's simulation. Faults come from a ``FaultPlan``;
/// checkers run after every event (see ``SimulationReport/violations``). A run is a pure function
/// of its configuration, so a failing seed replays exactly: same seed, same trace hash.
public final class Simulation {
    public let configuration: SimulationConfiguration
    public let nodes: [SimulatedNode]
    let factory: any SimulatedApplicationFactory
    let genesis: [ValidatorPower]
    let indexByKey: [PublicKey: Int]
    let logger: Logger

    var queue = EventQueue<SimulationEvent>()
    public internal(set) var now: UInt64 = 0
    var network: SeededGenerator
    var trace = TraceHasher()
    var healHeight: UInt64?

    // Checker state.
    var decidedBlocks: [UInt64: Hash256] = [:]
    var appHashes: [UInt64: Hash256] = [:]
    var acceptedBlocks: Set<NodeBlock> = []
    var signedVotes: [VoteSlot: Hash256?] = [:]
    public private(set) var violations: [Violation] = []

    // Statistics.
    var eventsProcessed = 0
    var messagesSent = 0
    var bytesSent = 0
    var messagesDropped = 0
    var malformedMessages = 0
    var evidenceDetected = 0
    var blocksSynced = 0
    var emergencyHeightsFinalized = 0
    var heightLatencies: [UInt64] = []
    /// Called for every finalized height on an honest node (for tests and research hooks). The
    /// simulation keeps the closure: capture the simulation `unowned` in it, or the two keep each
    /// other alive (AddressSanitizer's leak check found one such test).
    public var onFinalized: ((Int, FinalizedHeight) -> Void)?
    /// Like ``onFinalized``, with the height's finality latency on that node (virtual ms from its
    /// round 0 to finalization; nil for a block that arrived by block sync). For research hooks.
    public var onFinalizedWithLatency: ((Int, FinalizedHeight, UInt64?) -> Void)?

    struct NodeBlock: Hashable {
        var node: Int
        var blockID: Hash256
    }

    struct VoteSlot: Hashable {
        var validator: PublicKey
        var height: UInt64
        var round: UInt32
        var type: VoteType
    }

    public init(
        configuration: SimulationConfiguration, factory: any SimulatedApplicationFactory = KVApplicationFactory(),
        logger: Logger = Logger(label: "hmn.simulator", factory: { _ in SwiftLogNoOpLogHandler() })
    ) throws {
        self.configuration = configuration
        self.factory = factory
        self.logger = logger
        network = SeededGenerator(seed: configuration.seed ^ 0x5EED_0F_0E7_0000)
        var nodes: [SimulatedNode] = []
        for (index, _) in configuration.powers.enumerated() {
            var seedBytes = Array("hmn-sim-node".utf8)
            withUnsafeBytes(of: configuration.seed.bigEndian) { seedBytes.append(contentsOf: $0) }
            withUnsafeBytes(of: UInt64(index).bigEndian) { seedBytes.append(contentsOf: $0) }
            let key = try SigningKey(seed: Hash256.of(seedBytes).bytes)
            let skew =
                index < configuration.faults.clockSkewMilliseconds.count
                ? configuration.faults.clockSkewMilliseconds[index] : 0
            nodes.append(
                SimulatedNode(
                    index: index, signingKey: key, skewMilliseconds: skew,
                    behavior: configuration.faults.byzantine[index]))
        }
        self.nodes = nodes
        genesis = zip(nodes, configuration.powers).map { ValidatorPower(publicKey: $0.signingKey.publicKey, power: $1) }
        indexByKey = Dictionary(uniqueKeysWithValues: nodes.map { ($0.signingKey.publicKey, $0.index) })
        for node in nodes { queue.push(.start(node.index), at: 0) }
        for crash in configuration.faults.crashes where crash.node < nodes.count {
            queue.push(.crash(crash.node), at: crash.crashMilliseconds)
            queue.push(.restart(crash.node), at: crash.restartMilliseconds)
        }
        queue.push(.heal, at: configuration.faults.healMilliseconds)
    }

    var honestNodes: [SimulatedNode] { nodes.filter { !$0.isByzantine } }

    /// Runs to completion: until every honest node finalized the liveness target after the heal,
    /// until the liveness bound expires, or until the first violation.
    @discardableResult
    public func run() -> SimulationReport {
        let deadline = configuration.faults.healMilliseconds + configuration.livenessBoundMilliseconds
        while let (time, event) = queue.pop() {
            if time > deadline {
                now = deadline
                break
            }
            now = time
            eventsProcessed += 1
            process(event)
            if configuration.stopOnFirstViolation && !violations.isEmpty { break }
            if livenessTargetReached { break }
        }
        if violations.isEmpty && !livenessTargetReached {
            let heights = honestNodes.map(\.finalizedHeight)
            violate(
                .liveness, node: nil,
                "after the heal at \(configuration.faults.healMilliseconds) ms honest heights are \(heights), "
                    + "target \(livenessTarget) not reached within \(configuration.livenessBoundMilliseconds) ms")
        }
        return report()
    }

    var livenessTarget: UInt64 {
        max(
            configuration.minimumHeight,
            (healHeight ?? UInt64.max - configuration.heightsAfterHeal) + configuration.heightsAfterHeal)
    }

    var livenessTargetReached: Bool {
        guard healHeight != nil else { return false }
        let target = livenessTarget
        return honestNodes.allSatisfy { $0.finalizedHeight >= target }
    }

    func report() -> SimulationReport {
        SimulationReport(
            seed: configuration.seed, traceHash: trace.finish(), violations: violations,
            finalHeights: nodes.map(\.finalizedHeight), virtualMilliseconds: now, eventsProcessed: eventsProcessed,
            messagesSent: messagesSent, bytesSent: bytesSent, messagesDropped: messagesDropped,
            malformedMessages: malformedMessages, evidenceDetected: evidenceDetected, blocksSynced: blocksSynced,
            restarts: nodes.map(\.restarts).reduce(0, +), emergencyHeightsFinalized: emergencyHeightsFinalized,
            heightLatenciesMilliseconds: heightLatencies,
            committedHeight: honestNodes.map(\.finalizedHeight).min() ?? 0,
            faultSummary: configuration.faults.summary)
    }

    func violate(_ kind: Violation.Kind, node: Int?, _ message: String) {
        violations.append(Violation(kind: kind, timeMilliseconds: now, node: node, message: message))
    }
}

enum SimulationEvent {
    case start(Int)
    case deliver(from: Int, to: Int, bytes: [UInt8])
    case timer(node: Int, incarnation: Int, ConsensusTimeout)
    case crash(Int)
    case restart(Int)
    case heal
}

import HMNMesh
import HMNPrimitives
import Logging

/// A deterministic, seeded simulation of the memory mesh: N ``GossipEngine``s on virtual time, with
/// seeded per-pair latencies and jitter, message loss and partitions that heal. Every message is
/// encoded to its canonical wire bytes and decoded on delivery, so byte counts are exact and the
/// codec is exercised. Events are ordered by (time, insertion order) through ``EventQueue``; the same
/// seed replays the same run.
public final class MeshSimulation {
    enum Event {
        case deliver(to: Int, from: Int, bytes: [UInt8])
        case tick(node: Int, generation: UInt64)
    }

    public let configuration: MeshSimulationConfiguration
    public let keys: [SigningKey]
    public internal(set) var engines: [GossipEngine]
    public internal(set) var map: ShardMap
    public internal(set) var now: UInt64 = 0
    public internal(set) var counters = MeshSimulationCounters()
    /// Proofs the engines asked to commit (the simulator's stand-in for Layer 1).
    public internal(set) var committedProofs: [Hash256: MemoryProof] = [:]

    let indexByKey: [PublicKey: Int]
    var queue = EventQueue<Event>()
    /// The earliest event, popped but not yet due (EventQueue has no peek).
    var held: (time: UInt64, element: Event)?
    var network: SeededGenerator
    var latency: [[UInt64]]
    var timerGeneration: [UInt64]
    var group: [Int]?
    /// Write time of each record version, and when each node integrated it.
    var writeTimes: [RecordVersion: UInt64] = [:]
    var integrationTimes: [RecordVersion: [Int: UInt64]] = [:]
    var writtenVersions: [Hash256: RecordVersion] = [:]
    var recordCounter = 0

    /// Builds the network: keys from the seed, a map with `shardCount` centroids trained by k-means
    /// on a sample of `vectors`, every node in the map with Ψ = 1, and all pairs connected.
    public init(configuration: MeshSimulationConfiguration, sample: [[Float]], logger: Logger) {
        self.configuration = configuration
        var generator = SeededGenerator(seed: configuration.seed)
        keys = (0..<configuration.nodeCount).map { index in
            var seed = [UInt8](repeating: 0, count: 32)
            var value = configuration.seed &+ UInt64(index) &* 0x9E37_79B9
            for byte in 0..<8 {
                seed[byte] = UInt8(value & 0xff)
                value >>= 8
            }
            seed[8] = UInt8(index & 0xff)
            seed[9] = UInt8(index >> 8 & 0xff)
            return try! SigningKey(seed: seed)
        }
        indexByKey = Dictionary(uniqueKeysWithValues: keys.enumerated().map { ($1.publicKey, $0) })
        var kmeans = generator.fork()
        let centroids = KMeans.train(sample: sample, k: configuration.shardCount, generator: &kmeans)
        let proposal = ShardMapProposal(
            baseVersion: 0,
            changes: [.setCentroids(centroids)] + keys.map { .upsertNode(MeshNodeInfo(key: $0.publicKey)) })
        let initialMap = try! ShardMap(
            dimension: configuration.dimension, replicationFactor: configuration.replicationFactor
        ).applying(proposal)
        map = initialMap
        network = generator.fork()
        let count = configuration.nodeCount
        latency = [[UInt64]](repeating: [UInt64](repeating: 0, count: count), count: count)
        let spread = configuration.maxLatencyMilliseconds - configuration.minLatencyMilliseconds + 1
        for a in 0..<count {
            for b in (a + 1)..<max(a + 1, count) {
                let value = configuration.minLatencyMilliseconds + network.next() % spread
                latency[a][b] = value
                latency[b][a] = value
            }
        }
        timerGeneration = [UInt64](repeating: 0, count: count)
        engines = keys.map {
            GossipEngine(
                configuration: configuration.gossip, signingKey: $0, map: initialMap, lambda: configuration.lambda,
                logger: logger)
        }
        for node in 0..<count {
            for peer in 0..<count where peer != node {
                apply(node, .peerJoined(keys[peer].publicKey, rttMilliseconds: UInt32(2 * latency[node][peer])))
            }
            apply(node, .start)
        }
    }

    public func key(_ node: Int) -> PublicKey { keys[node].publicKey }

    /// Writes a record at `node` now.
    public func write(_ record: MemoryRecord, at node: Int) {
        let version = RecordVersion(record)
        writeTimes[version] = now
        writtenVersions[record.id] = version
        apply(node, .localWrite(record))
    }

    /// A fresh record authored by `node` (ids come from a counter, so runs replay).
    public func makeRecord(
        vector: [Float], author node: Int, importance: FixedPoint = FixedPoint(raw: 500_000), payloadBytes: Int = 64
    ) -> MemoryRecord {
        recordCounter += 1
        let id = Hash256.of(Array("mesh-sim-\(configuration.seed)-\(recordCounter)".utf8))
        let payload = (0..<payloadBytes).map { UInt8(truncatingIfNeeded: $0 &+ recordCounter) }
        return MemoryRecord(
            id: id, vector: vector, payload: payload, author: key(node), createdAtMilliseconds: now,
            importance: importance)
    }

    /// Runs events until virtual time `time` (inclusive).
    public func run(until time: UInt64) {
        while let (eventTime, event) = nextEvent(dueBy: time) {
            now = eventTime
            switch event {
            case .deliver(let to, let from, let bytes):
                deliver(to: to, from: from, bytes: bytes)
            case .tick(let node, let generation):
                guard generation == timerGeneration[node] else { continue }
                apply(node, .tick)
            }
        }
        now = max(now, time)
    }

    /// Runs for `milliseconds` of virtual time.
    public func run(for milliseconds: UInt64) { run(until: now + milliseconds) }

    /// Splits the network: messages between different groups are dropped until ``heal()``.
    public func partition(_ groups: [[Int]]) {
        var assignment = [Int](repeating: -1, count: configuration.nodeCount)
        for (index, members) in groups.enumerated() {
            for member in members { assignment[member] = index }
        }
        group = assignment
    }

    public func heal() { group = nil }

    /// Delivers an event to every node (λ changes, a finalized map).
    public func broadcast(_ event: GossipEvent) {
        if case .mapChanged(let newMap) = event { map = newMap }
        for node in engines.indices { apply(node, event) }
    }

    /// Delivers an event to one node.
    public func apply(_ node: Int, _ event: GossipEvent) {
        if case .mapChanged(let newMap) = event, newMap.version > map.version { map = newMap }
        let actions = engines[node].handle(event, nowMilliseconds: now)
        execute(actions, at: node)
    }

    func nextEvent(dueBy time: UInt64) -> (time: UInt64, element: Event)? {
        guard let next = held ?? queue.pop() else { return nil }
        held = next.time <= time ? nil : next
        return next.time <= time ? next : nil
    }

    /// Queues an event; a held event goes back first so the queue alone orders them
    /// (deterministically; it may run after events of the same time queued before it).
    func schedule(_ event: Event, at time: UInt64) {
        if let pending = held {
            queue.push(pending.element, at: pending.time)
            held = nil
        }
        queue.push(event, at: time)
    }

    public func resetCounters() { counters = MeshSimulationCounters() }

    func deliver(to node: Int, from sender: Int, bytes: [UInt8]) {
        let peer = key(sender)
        do {
            let message = try GossipMessage(wireBytes: bytes, maxBytes: configuration.gossip.maxMessageBytes)
            if case .push(_, let records, _) = message {
                counters.payloadReceptions += records.count
                counters.payloadReceptionsByNode[node, default: 0] += records.count
            }
            apply(node, .received(message, from: peer))
        } catch {
            apply(node, .malformed(error, from: peer))
        }
    }

    /// Sends raw bytes from `sender` to `node` through the simulated network (for adversarial tests).
    public func inject(_ bytes: [UInt8], from sender: Int, to node: Int) {
        send(bytes, kind: "injected", from: sender, to: node)
    }

    func execute(_ actions: [GossipAction], at node: Int) {
        for action in actions {
            switch action {
            case .send(let peer, let message):
                guard let target = indexByKey[peer] else { continue }
                send(message.canonicalBytes, kind: message.kind, from: node, to: target)
            case .schedule(let delay):
                timerGeneration[node] += 1
                schedule(.tick(node: node, generation: timerGeneration[node]), at: now + delay)
            case .integrated(let record, _):
                let version = RecordVersion(record)
                if integrationTimes[version]?[node] == nil { integrationTimes[version, default: [:]][node] = now }
            case .commitProof(let proof):
                committedProofs[proof.recordID] = proof
                counters.proofsCommitted += 1
            case .rejected:
                counters.rejections += 1
            case .dropped, .graylisted:
                break
            }
        }
    }

    func send(_ bytes: [UInt8], kind: String, from node: Int, to target: Int) {
        counters.messagesSent += 1
        counters.bytesByKind[kind, default: 0] += bytes.count
        if let group, group[node] != group[target] {
            counters.messagesDropped += 1
            return
        }
        if configuration.lossRate > 0, Double(network.next() >> 11) * 0x1.0p-53 < configuration.lossRate {
            counters.messagesDropped += 1
            return
        }
        let jitter = configuration.jitterMilliseconds > 0 ? network.next() % (configuration.jitterMilliseconds + 1) : 0
        schedule(.deliver(to: target, from: node, bytes: bytes), at: now + latency[node][target] + jitter)
    }
}

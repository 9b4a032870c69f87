import HMNMesh
import HMNPrimitives

/// Parameters of a memory-mesh simulation: network size and faults, vector space, shards, λ.
public struct MeshSimulationConfiguration: Sendable {
    public var nodeCount: Int
    public var seed: UInt64
    public var dimension = 16
    public var shardCount = 8
    public var replicationFactor = 3
    public var lambda = FixedPoint(raw: 300_000)
    /// Probability that a message is dropped.
    public var lossRate = 0.0
    /// One-way latency of a pair is drawn once in this range; each message adds jitter up to `jitterMilliseconds`.
    public var minLatencyMilliseconds: UInt64 = 1
    public var maxLatencyMilliseconds: UInt64 = 20
    public var jitterMilliseconds: UInt64 = 5
    public var gossip = GossipConfiguration(chainID: "hmn-mesh-sim")

    public init(nodeCount: Int, seed: UInt64) {
        self.nodeCount = nodeCount
        self.seed = seed
    }
}

/// Counters of a mesh simulation, reset with ``MeshSimulation/resetCounters()``.
public struct MeshSimulationCounters: Sendable {
    /// Wire bytes sent, by message kind (`push`, `ihave`, `iwant`, `reconcile`, `items`, `ack`, `handoff`).
    public var bytesByKind: [String: Int] = [:]
    public var messagesSent = 0
    public var messagesDropped = 0
    /// Records carried by delivered push messages (duplicates included).
    public var payloadReceptions = 0
    /// Records carried by delivered push messages, per receiving node.
    public var payloadReceptionsByNode: [Int: Int] = [:]
    public var rejections = 0
    public var proofsCommitted = 0

    public var bytesSent: Int { bytesByKind.values.reduce(0, +) }
}

import HMNConsensus
import HMNPrimitives

/// One node of a simulation: its durable parts (key, disk, WAL) and its volatile parts (the
/// engine and the application object), which a crash drops and a restart rebuilds.
public final class SimulatedNode {
    public let index: Int
    public let signingKey: SigningKey
    public let disk = SimulatedDisk()
    public let wal = InMemoryWriteAheadLog()
    public internal(set) var application: (any ConsensusApplication)?
    public internal(set) var engine: ConsensusEngine?
    public internal(set) var isUp = false
    public internal(set) var finalizedHeight: UInt64 = 0
    public internal(set) var restarts = 0
    var incarnation = 0
    var roundZeroStart: [UInt64: UInt64] = [:]
    let skewMilliseconds: Int64
    let behavior: ByzantineBehavior?

    init(index: Int, signingKey: SigningKey, skewMilliseconds: Int64, behavior: ByzantineBehavior?) {
        self.index = index
        self.signingKey = signingKey
        self.skewMilliseconds = skewMilliseconds
        self.behavior = behavior
    }

    public var isByzantine: Bool { behavior != nil }

    func localTime(_ now: UInt64) -> UInt64 {
        skewMilliseconds >= 0 ? now + UInt64(skewMilliseconds) : now - min(now, UInt64(-skewMilliseconds))
    }
}

/// A running hash of everything the simulation did, in order: equal seeds give equal hashes.
struct TraceHasher {
    private var state = Hash256.zero
    private var buffer: [UInt8] = []

    mutating func record(_ values: UInt64...) {
        for value in values { withUnsafeBytes(of: value.bigEndian) { buffer.append(contentsOf: $0) } }
        flushIfLarge()
    }

    mutating func record(bytes: [UInt8]) {
        buffer.append(contentsOf: bytes)
        flushIfLarge()
    }

    private mutating func flushIfLarge() {
        if buffer.count >= 1 << 16 { flush() }
    }

    private mutating func flush() {
        state = Hash256.of(parts: [state.bytes, buffer])
        buffer.removeAll(keepingCapacity: true)
    }

    mutating func finish() -> Hash256 {
        flush()
        return state
    }
}

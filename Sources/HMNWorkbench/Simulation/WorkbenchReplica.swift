import HMNPrimitives
import HMNSimulator

/// What one workbench node holds of the memory, and the shard digest that follows from it.
///
/// The committed key-value entries stand in for the records the node replicates: every honest
/// node holds exactly them, so honest digests agree. Under a ``ScenarioFaults/ReplicaFault`` the
/// node holds something else, and its digest shows it only when the content really differs: a
/// node that drops writes disagrees once something was written after the fault began, one that
/// corrupts disagrees as soon as it holds anything. When the window closes (or the node restarts)
/// it repairs from its peers and holds the committed entries again.
struct WorkbenchReplica {
    let node: Int
    let faults: [ScenarioFaults.ReplicaFault]
    /// What the node holds when it differs from the committed entries; nil while in sync.
    private(set) var held: [KVEntry]?
    /// The entries as of the last commit outside a fault window (what a dropping node keeps).
    private var lastSynced: [KVEntry]

    init(node: Int, faults: [ScenarioFaults.ReplicaFault], committed: [KVEntry]) {
        self.node = node
        self.faults = faults
        held = nil
        lastSynced = committed
    }

    /// A block committed `entries` at `time` (the block's time, the same on every node).
    mutating func committed(_ entries: [KVEntry], atMilliseconds time: UInt64) {
        guard let fault = faults.first(where: { $0.contains(node: node, atMilliseconds: time) }) else {
            held = nil
            lastSynced = entries
            return
        }
        let view: [KVEntry]
        switch fault.kind {
        case .drop: view = lastSynced
        case .corrupt: view = entries.map { KVEntry(key: $0.key, value: $0.value + "\u{FFFD}") }
        }
        held = view == entries ? nil : view
    }

    /// The digest this node reports when what it holds differs from the committed entries.
    var faultyDigest: Hash256? {
        guard let held else { return nil }
        var encoder = CanonicalEncoder()
        encoder.encode(held)
        return Hash256.of(parts: [Array("replica".utf8), encoder.bytes])
    }
}

import HMNPrimitives
import HMNSimulator
import Testing

@testable import HMNWorkbench

/// ``WorkbenchReplica``: a faulty replica's digest differs exactly when what it holds differs.
@Suite("Workbench replicas")
struct WorkbenchReplicaTests {
    static let entries = [KVEntry(key: "a", value: "1"), KVEntry(key: "b", value: "2")]
    static let more = entries + [KVEntry(key: "c", value: "3")]

    func replica(_ kind: ScenarioFaults.ReplicaFault.Kind) -> WorkbenchReplica {
        WorkbenchReplica(
            node: 1, faults: [.init(nodes: [1], kind: kind, at: .seconds(1), duration: .seconds(2))],
            committed: Self.entries)
    }

    @Test("dropping: in agreement until something is written during the window, repaired after it")
    func drop() {
        var node = replica(.drop)
        node.committed(Self.entries, atMilliseconds: 1_500)
        #expect(node.faultyDigest == nil, "nothing new was written, so it holds what everyone holds")
        node.committed(Self.more, atMilliseconds: 2_000)
        let missing = node.faultyDigest
        #expect(missing != nil)
        node.committed(Self.more, atMilliseconds: 2_500)
        #expect(node.faultyDigest == missing, "it still misses the same write")
        node.committed(Self.more, atMilliseconds: 3_000)
        #expect(node.faultyDigest == nil, "repaired when the window closes")
    }

    @Test("corrupting: disagrees whenever it holds something; another node or another time is untouched")
    func corrupt() {
        var node = replica(.corrupt)
        node.committed([], atMilliseconds: 1_200)
        #expect(node.faultyDigest == nil, "an empty replica has nothing to corrupt")
        node.committed(Self.entries, atMilliseconds: 1_500)
        #expect(node.faultyDigest != nil)
        var other = WorkbenchReplica(
            node: 2, faults: [.init(nodes: [1], kind: .corrupt, at: .seconds(1), duration: .seconds(2))],
            committed: Self.entries)
        other.committed(Self.entries, atMilliseconds: 1_500)
        #expect(other.faultyDigest == nil)
        node.committed(Self.entries, atMilliseconds: 3_500)
        #expect(node.faultyDigest == nil)
    }
}

import HMNDevnet
import Testing

/// The checker on fabricated observations: it must find every kind of disagreement.
@Suite struct CampaignCheckerTests {
    static func chain(_ tag: String, through height: UInt64) -> [HeightRecord] {
        (1...height).map {
            HeightRecord(height: $0, blockID: "block\($0)", stateRoot: "state\($0)", layer2Root: "l2\($0)\(tag)")
        }
    }

    @Test("identical chains pass")
    func agreement() {
        let chains = Array(repeating: Self.chain("", through: 10), count: 4)
        #expect(CampaignChecker.checkChains(chains, through: 10).isEmpty)
    }

    @Test("a different block at one height is a fork; a missing height is reported")
    func forkAndGap() {
        var chains = Array(repeating: Self.chain("", through: 10), count: 4)
        chains[2][6].blockID = "other"
        chains[3].remove(at: 3)
        let violations = CampaignChecker.checkChains(chains, through: 10)
        #expect(violations.map(\.kind) == [.missingBlock, .fork])
        #expect(violations[0].message.contains("node3") && violations[0].message.contains("height 4"))
        #expect(violations[1].message.contains("height 7") && violations[1].message.contains("node2"))
    }

    @Test("same block id with a different Layer-2 root or state root is a root mismatch")
    func rootMismatch() {
        var chains = Array(repeating: Self.chain("", through: 5), count: 3)
        chains[1] = Self.chain("x", through: 5)
        chains[2][0].stateRoot = "forged"
        let violations = CampaignChecker.checkChains(chains, through: 5)
        #expect(violations.count == 6)
        #expect(violations.allSatisfy { $0.kind == .rootMismatch })
    }

    static func ack(_ id: String, node: Int, at: UInt64, nonce: UInt64 = 0, seen: UInt64? = nil)
        -> AcknowledgedTransaction
    {
        AcknowledgedTransaction(
            id: id, sender: "s", nonce: nonce, node: node, acknowledgedAtMilliseconds: at,
            seenCommittedAtMilliseconds: seen)
    }

    @Test("transactions: committed everywhere, lost with a crashed node, superseded, and the violations")
    func transactions() {
        let acknowledged = [
            Self.ack("a", node: 0, at: 100, nonce: 0, seen: 500),  // committed everywhere
            Self.ack("b", node: 1, at: 200, nonce: 10),  // node1 crashed at 300: lost with its mempool
            Self.ack("c", node: 2, at: 250, nonce: 1),  // nonce 1 reused by d, which committed
            Self.ack("d", node: 0, at: 900, nonce: 1, seen: 1_000),
            Self.ack("e", node: 3, at: 950, nonce: 2),  // nobody crashed: lost
            Self.ack("f", node: 0, at: 960, nonce: 3, seen: 990),  // seen committed, now gone
            Self.ack("g", node: 0, at: 970, nonce: 4),  // on two nodes only
            Self.ack("h", node: 0, at: 980, nonce: 5),  // in different blocks
            Self.ack("j", node: 2, at: 990, nonce: 6),  // nonce 6 went to the unanswered submission i
        ]
        let indeterminate = [
            Self.ack("i", node: 1, at: 985, nonce: 6),  // no answer, but committed
            Self.ack("k", node: 1, at: 995, nonce: 7),  // no answer, committed on one node only
            Self.ack("l", node: 1, at: 996, nonce: 8),  // no answer, not committed: fine
        ]
        let locations: [[String: String]] = [
            ["a": "B1", "d": "B2", "g": "B3", "h": "B4", "i": "B6", "k": "B7"],
            ["a": "B1", "d": "B2", "g": "B3", "h": "B4", "i": "B6"],
            ["a": "B1", "d": "B2", "h": "B5", "i": "B6"],
        ]
        let outcome = CampaignChecker.checkTransactions(
            acknowledged, indeterminate: indeterminate, locations: locations, crashes: [1: [300], 3: [10]])
        #expect(outcome.committed == 2)
        #expect(outcome.indeterminateCommitted == 1)
        #expect(outcome.lostWithCrashedNodeIDs == ["b"])
        #expect(outcome.supersededIDs == ["c", "j"])
        #expect(
            outcome.violations.map(\.kind).sorted { $0.rawValue < $1.rawValue }
                == [
                    .lostTransaction, .lostTransaction, .transactionDisagreement, .transactionDisagreement,
                    .transactionDisagreement,
                ])
        #expect(outcome.violations.contains { $0.message.contains("seen committed") })
    }

    @Test("liveness: no progress within f is a violation, above f it is expected")
    func liveness() {
        #expect(
            CampaignChecker.checkLiveness(
                from: 5, to: 5, longestStallSeconds: 1, limitSeconds: 60, withinTolerance: true
            ).count == 1)
        #expect(
            CampaignChecker.checkLiveness(
                from: 5, to: 50, longestStallSeconds: 61, limitSeconds: 60, withinTolerance: true
            ).count == 1)
        #expect(
            CampaignChecker.checkLiveness(
                from: 5, to: 50, longestStallSeconds: 10, limitSeconds: 60, withinTolerance: true
            ).isEmpty)
        #expect(
            CampaignChecker.checkLiveness(
                from: 5, to: 5, longestStallSeconds: 100, limitSeconds: 60, withinTolerance: false
            ).isEmpty)
    }

    @Test("memory records: on every node counts; the nodes that lack some give one violation per set of nodes")
    func memories() {
        let ids = ["a", "b", "c", "d"]
        let all = Set(ids)
        let passed = CampaignChecker.checkMemories(ids, held: [all, all, all])
        #expect(passed.replicated == 4 && passed.violations.isEmpty)
        let failed = CampaignChecker.checkMemories(ids, held: [all, ["a", "b"], ["a", "b", "d"]])
        #expect(failed.replicated == 2)
        #expect(failed.violations.map(\.kind) == [.lostMemoryRecord, .lostMemoryRecord])
        #expect(failed.violations[0].message.hasPrefix("1 acknowledged memory record(s) are missing on node1, e.g. d"))
        #expect(failed.violations[1].message.hasPrefix("1 acknowledged memory record(s) are missing on node1, node2"))
        #expect(CampaignChecker.checkMemories([], held: [[], []]).replicated == 0)
    }
}

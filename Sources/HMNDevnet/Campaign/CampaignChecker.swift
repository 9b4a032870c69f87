/// What one node reports for one committed height: the block id and the two roots its header
/// commits to. Every node re-executes each block and refuses it unless its own state root and its
/// own Layer-2 (coherence) state hash equal the header's (`BlockExecutor`), and checks its stored
/// state against the last header on every start, so equal headers mean equal ledger and Layer-2 states.
public struct HeightRecord: Codable, Hashable, Sendable {
    public var height: UInt64
    public var blockID: String
    /// The ledger state root (app hash) after the block.
    public var stateRoot: String
    /// BLAKE2b-256 of the Layer-2 engine's canonical state after the block.
    public var layer2Root: String

    public init(height: UInt64, blockID: String, stateRoot: String, layer2Root: String) {
        self.height = height
        self.blockID = blockID
        self.stateRoot = stateRoot
        self.layer2Root = layer2Root
    }
}

/// A transaction a node acknowledged (HTTP 202, accepted into its mempool) during a campaign.
public struct AcknowledgedTransaction: Codable, Hashable, Sendable {
    public var id: String
    public var sender: String
    public var nonce: UInt64
    /// The node that acknowledged it.
    public var node: Int
    /// Milliseconds since the start of the run.
    public var acknowledgedAtMilliseconds: UInt64
    /// When the load first saw it committed, if it did.
    public var seenCommittedAtMilliseconds: UInt64?

    public init(
        id: String, sender: String, nonce: UInt64, node: Int, acknowledgedAtMilliseconds: UInt64,
        seenCommittedAtMilliseconds: UInt64? = nil
    ) {
        self.id = id
        self.sender = sender
        self.nonce = nonce
        self.node = node
        self.acknowledgedAtMilliseconds = acknowledgedAtMilliseconds
        self.seenCommittedAtMilliseconds = seenCommittedAtMilliseconds
    }
}

/// One broken promise found by the ``CampaignChecker``.
public struct CampaignViolation: Codable, Hashable, Sendable, CustomStringConvertible {
    /// Which promise was broken.
    public enum Kind: String, Codable, Hashable, Sendable {
        /// Two nodes hold different blocks at one height.
        case fork
        /// Same block id but different state roots or Layer-2 roots (cannot happen unless the API lies).
        case rootMismatch
        /// A node lacks a height every node should have.
        case missingBlock
        /// An acknowledged transaction is committed on no node, and nothing explains it.
        case lostTransaction
        /// A transaction is committed on some nodes only, or in different blocks.
        case transactionDisagreement
        /// The chain did not advance while at most f validators were faulty.
        case noProgress
        /// A node did not come back or did not catch up after the heal.
        case nodeDidNotRecover
        /// A memory record a node acknowledged is missing on some node after the heal and the
        /// repair window (the memory mesh must bring every record to every replica).
        case lostMemoryRecord
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { "\(kind.rawValue): \(message)" }
}

/// How the acknowledged transactions ended.
public struct TransactionOutcome: Codable, Hashable, Sendable {
    /// Committed on every node, in the same block.
    public var committed = 0
    /// Not committed, but the node that acknowledged it was killed or restarted before it was seen
    /// committed: a pending transaction lives only in that node's memory (202 means "pending").
    public var lostWithCrashedNode = 0
    /// Ids of those transactions, for the report.
    public var lostWithCrashedNodeIDs: [String] = []
    /// Not committed because another transaction of the same sender with the same nonce committed
    /// (the sender reused the nonce after a refusal or a timed-out submission).
    public var superseded = 0
    public var supersededIDs: [String] = []
    /// Indeterminate submissions (no answer) that turned out committed.
    public var indeterminateCommitted = 0
    /// Disagreements and unexplained losses.
    public var violations: [CampaignViolation] = []

    public init() {}
}

/// The campaign's invariant checks as pure functions over what the nodes reported, so a test can
/// feed them fabricated disagreements.
public enum CampaignChecker {
    /// Heights 1…`height` must be present and identical (block id, state root, Layer-2 root) on every
    /// node; `chains[i]` is node `i`'s records.
    public static func checkChains(_ chains: [[HeightRecord]], through height: UInt64) -> [CampaignViolation] {
        guard height >= 1, !chains.isEmpty else { return [] }
        var violations: [CampaignViolation] = []
        let indexed = chains.map { Dictionary($0.map { ($0.height, $0) }, uniquingKeysWith: { first, _ in first }) }
        for h in 1...height {
            var records: [(node: Int, record: HeightRecord)] = []
            for (node, chain) in indexed.enumerated() {
                if let record = chain[h] {
                    records.append((node, record))
                } else {
                    violations.append(CampaignViolation(.missingBlock, "node\(node) has no block at height \(h)"))
                }
            }
            guard let reference = records.first else { continue }
            for (node, record) in records.dropFirst() {
                if record.blockID != reference.record.blockID {
                    violations.append(
                        CampaignViolation(
                            .fork,
                            "height \(h): node\(reference.node) has block \(reference.record.blockID.prefix(16)), "
                                + "node\(node) has \(record.blockID.prefix(16))"))
                } else if record.stateRoot != reference.record.stateRoot
                    || record.layer2Root != reference.record.layer2Root
                {
                    violations.append(
                        CampaignViolation(
                            .rootMismatch,
                            "height \(h): node\(reference.node) and node\(node) agree on the block but not on its "
                                + "state root or Layer-2 root"))
                }
            }
        }
        return violations
    }

    /// Classifies every acknowledged transaction. `indeterminate` are submissions that got no answer:
    /// each may or may not be committed, but where it is, it must be on every node in the same block,
    /// and it explains an acknowledged transaction of the same sender and nonce that is not.
    /// `locations[i][id]` is the block id node `i` reports for transaction `id` (absent: not committed
    /// there); `crashes[n]` holds the run times (ms) at which node `n` was killed or restarted.
    public static func checkTransactions(
        _ acknowledged: [AcknowledgedTransaction], indeterminate: [AcknowledgedTransaction] = [],
        locations: [[String: String]], crashes: [Int: [UInt64]]
    ) -> TransactionOutcome {
        var outcome = TransactionOutcome()
        var committedNonces: Set<String> = []
        var unplaced: [AcknowledgedTransaction] = []
        var missingByNodes = MissingByNodes()
        for (transaction, isAcknowledged) in acknowledged.map({ ($0, true) }) + indeterminate.map({ ($0, false) }) {
            let blocks = locations.map { $0[transaction.id] }
            let found = blocks.compactMap { $0 }
            if found.isEmpty {
                if isAcknowledged { unplaced.append(transaction) }
                continue
            }
            if found.count != blocks.count {
                missingByNodes.add(transaction.id, missingOn: blocks.indices.filter { blocks[$0] == nil })
            } else if Set(found).count > 1 {
                outcome.violations.append(
                    CampaignViolation(
                        .transactionDisagreement,
                        "transaction \(transaction.id.prefix(16)) is committed in \(Set(found).count) different blocks")
                )
            } else if isAcknowledged {
                outcome.committed += 1
            } else {
                outcome.indeterminateCommitted += 1
            }
            committedNonces.insert("\(transaction.sender)/\(transaction.nonce)")
        }
        outcome.violations += missingByNodes.violations(.transactionDisagreement, "transaction(s) committed elsewhere")
        for transaction in unplaced {
            let crashedAfter = (crashes[transaction.node] ?? []).contains {
                $0 >= transaction.acknowledgedAtMilliseconds
            }
            if let seen = transaction.seenCommittedAtMilliseconds {
                outcome.violations.append(
                    CampaignViolation(
                        .lostTransaction,
                        "transaction \(transaction.id.prefix(16)) was seen committed at \(seen) ms "
                            + "and is now on no node"
                    ))
            } else if committedNonces.contains("\(transaction.sender)/\(transaction.nonce)") {
                outcome.superseded += 1
                outcome.supersededIDs.append(transaction.id)
            } else if crashedAfter {
                outcome.lostWithCrashedNode += 1
                outcome.lostWithCrashedNodeIDs.append(transaction.id)
            } else {
                outcome.violations.append(
                    CampaignViolation(
                        .lostTransaction,
                        "transaction \(transaction.id.prefix(16)) acknowledged by node\(transaction.node) at "
                            + "\(transaction.acknowledgedAtMilliseconds) ms is committed on no node"))
            }
        }
        return outcome
    }

    /// Every acknowledged memory record must be held by every node: a node stores a record before it
    /// acknowledges it (SQLite, synchronous), and the memory mesh's repair brings it to the others,
    /// including nodes that were down or cut off when it was written. `held[i]` is the set of ids
    /// node `i` holds. Returns how many are on every node, and one violation per set of nodes that
    /// lack some (grouped, so one node that never repaired gives one violation).
    public static func checkMemories(_ acknowledged: [String], held: [Set<String>]) -> (
        replicated: Int, violations: [CampaignViolation]
    ) {
        var replicated = 0
        var missingByNodes = MissingByNodes()
        for id in acknowledged {
            let lacking = held.indices.filter { !held[$0].contains(id) }
            if lacking.isEmpty { replicated += 1 } else { missingByNodes.add(id, missingOn: lacking) }
        }
        return (replicated, missingByNodes.violations(.lostMemoryRecord, "acknowledged memory record(s)"))
    }

    /// While at most f validators were faulty the chain must have advanced during the faults and
    /// never stood still longer than `limitSeconds`; above f only a report, as stalls are expected.
    public static func checkLiveness(
        from start: UInt64, to end: UInt64, longestStallSeconds: Double, limitSeconds: Double, withinTolerance: Bool
    ) -> [CampaignViolation] {
        guard withinTolerance else { return [] }
        var violations: [CampaignViolation] = []
        if end <= start {
            violations.append(CampaignViolation(.noProgress, "height stayed at \(start) during the faults"))
        }
        if longestStallSeconds > limitSeconds {
            violations.append(
                CampaignViolation(
                    .noProgress,
                    "no new block for \(Int(longestStallSeconds)) s (limit \(Int(limitSeconds)) s) "
                        + "with at most f faulty"
                ))
        }
        return violations
    }
}

/// Ids missing on some nodes, grouped by the set of nodes that lack them: one node stuck behind
/// gives one violation, not one per id.
struct MissingByNodes {
    private var groups: [String: [String]] = [:]

    mutating func add(_ id: String, missingOn nodes: [Int]) {
        groups[nodes.map { "node\($0)" }.joined(separator: ", "), default: []].append(id)
    }

    /// "N <what> are missing on <nodes>, e.g. <first id>", one per group, in node-list order.
    func violations(_ kind: CampaignViolation.Kind, _ what: String) -> [CampaignViolation] {
        groups.sorted { $0.key < $1.key }.map { nodes, ids in
            CampaignViolation(kind, "\(ids.count) \(what) are missing on \(nodes), e.g. \(ids[0].prefix(16))")
        }
    }
}

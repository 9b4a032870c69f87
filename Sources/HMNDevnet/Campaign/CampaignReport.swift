import Foundation

/// What a fault campaign ran and found; printed as a summary and written as JSON.
public struct CampaignReport: Codable, Hashable, Sendable {
    /// One fault as it was applied to the processes.
    public struct AppliedFault: Codable, Hashable, Sendable {
        public var index: Int
        public var kind: FaultKind
        public var nodes: [Int]
        /// When it was applied, milliseconds since the faults began (the plan says when it should have been).
        public var atMilliseconds: UInt64
        public var downMilliseconds: UInt64
        /// Empty when it went as planned; otherwise what went wrong applying or undoing it.
        public var note: String

        public init(
            index: Int, kind: FaultKind, nodes: [Int], atMilliseconds: UInt64, downMilliseconds: UInt64, note: String
        ) {
            self.index = index
            self.kind = kind
            self.nodes = nodes
            self.atMilliseconds = atMilliseconds
            self.downMilliseconds = downMilliseconds
            self.note = note
        }
    }

    /// Heights during and after the faults.
    public struct Heights: Codable, Hashable, Sendable {
        /// Highest height any node had when the faults began and when they ended.
        public var atFaultStart: UInt64 = 0
        public var atFaultEnd: UInt64 = 0
        /// The height every node reached after the final heal and restart; 1…checked were compared.
        public var checked: UInt64 = 0
        /// The longest time, during the faults, that no node's height advanced.
        public var longestStallSeconds: Double = 0
    }

    /// How the load's transactions ended.
    public struct Transactions: Codable, Hashable, Sendable {
        public var acknowledged = 0
        /// Seen committed by the load (or in the settle phase) before the final check.
        public var seenCommitted = 0
        /// Committed on every node in the same block at the final check.
        public var committed = 0
        public var lostWithCrashedNode = 0
        public var superseded = 0
        /// Submissions a node refused (not acknowledged, so not promised).
        public var refused = 0
        /// Submissions that got no answer (timeout); each may or may not have been taken.
        public var indeterminate = 0
        /// Of those, committed (on every node, in one block).
        public var indeterminateCommitted = 0
        public var memoriesAcknowledged = 0
        /// Of those, held by every node at the final check.
        public var memoriesOnEveryNode = 0
    }

    /// The plan's settings (validators, duration, seed, partitions, max faulty).
    public var settings: FaultPlan.Settings
    /// `debug` or `release`, as the caller says.
    public var build: String
    /// Whether partitions ran in network namespaces.
    public var namespaces: Bool
    public var directory: String
    public var startedAt: String
    public var elapsedSeconds: Double = 0
    public var faults: [AppliedFault] = []
    public var heights = Heights()
    public var transactions = Transactions()
    /// Exit status of every node at the final graceful restart (0 expected).
    public var exitStatuses: [Int32?] = []
    /// Every broken promise; empty when the run passed.
    public var violations: [CampaignViolation] = []
    /// Things worth reading that are not violations.
    public var notes: [String] = []

    public init(settings: FaultPlan.Settings, build: String, namespaces: Bool, directory: String, startedAt: Date) {
        self.settings = settings
        self.build = build
        self.namespaces = namespaces
        self.directory = directory
        self.startedAt = ISO8601DateFormatter().string(from: startedAt)
    }

    /// Faults applied, by kind.
    public var faultsByKind: [FaultKind: Int] {
        Dictionary(grouping: faults, by: \.kind).mapValues(\.count)
    }

    /// Whether no violation was found.
    public var passed: Bool { violations.isEmpty }

    /// The human summary.
    public var summary: String {
        let kinds = FaultKind.allCases.map { "\($0.rawValue) \(faultsByKind[$0] ?? 0)" }.joined(separator: ", ")
        var lines = [
            "fault campaign: \(settings.validators) validators, \(settings.durationSeconds) s, seed \(settings.seed), "
                + "at most \(settings.maxFaulty) faulty (f = \(FaultPlan.Settings.tolerated(settings.validators))), "
                + "partitions \(settings.partitions ? (namespaces ? "on (netns)" : "requested, unavailable") : "off"), "
                + "\(build) build",
            "  faults applied: \(faults.count) (\(kinds))",
            "  heights: \(heights.atFaultStart) at fault start → \(heights.atFaultEnd) at fault end; "
                + "1…\(heights.checked) compared on every node; longest stall "
                + String(format: "%.1f", heights.longestStallSeconds) + " s",
            "  transactions: \(transactions.acknowledged) acknowledged, "
                + "\(transactions.committed) committed on every node, "
                + "\(transactions.lostWithCrashedNode) lost with a crashed node's mempool, "
                + "\(transactions.superseded) superseded, \(transactions.refused) refused, "
                + "\(transactions.indeterminate) indeterminate "
                + "(\(transactions.indeterminateCommitted) of them committed); "
                + "\(transactions.memoriesAcknowledged) memory records acknowledged, "
                + "\(transactions.memoriesOnEveryNode) of them on every node",
            "  exit statuses at the final restart: "
                + exitStatuses.map { $0.map(String.init) ?? "?" }.joined(separator: " "),
            "  elapsed " + String(format: "%.0f", elapsedSeconds) + " s; "
                + (violations.isEmpty ? "violations: none" : "VIOLATIONS: \(violations.count)"),
        ]
        lines += violations.prefix(20).map { "    ✗ \($0)" }
        if violations.count > 20 { lines.append("    … \(violations.count - 20) more in the JSON report") }
        lines += notes.map { "  note: \($0)" }
        return lines.joined(separator: "\n")
    }

    /// Pretty, key-sorted JSON.
    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(self)
    }
}

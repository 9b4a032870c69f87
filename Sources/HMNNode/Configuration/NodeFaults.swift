import HMNMesh

/// Faults a node injects into itself, for tests and drills only: `"faults"` in `config.json`.
///
/// ```json
/// "faults": {"memory": "corruptReplicas"}
/// ```
/// `memory` is a ``ReplicaFault`` of the node's memory replica: `corruptReplicas` (every record it
/// integrates is held with an altered payload) or `dropWrites` (it holds nothing). The replica's
/// settled shard digests then disagree with the other validators', so the node's contribution to
/// Ĉ falls to 0 and, below the emergency threshold, it is slashed: what an operator drills and the
/// multi-process tests assert. The node logs a warning at start while a fault is set.
public struct NodeFaults: Hashable, Sendable, Codable {
    /// The fault of the node's memory replica; nil keeps it healthy.
    public var memory: ReplicaFault?

    public init(memory: ReplicaFault? = nil) {
        self.memory = memory
    }

    /// True when no fault is set.
    public var isEmpty: Bool { memory == nil }

    private enum CodingKeys: String, CodingKey, CaseIterable {
        case memory
    }

    /// Strict: an unknown key is an error, so a misspelt fault is never silently ignored.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyKey.self)
        let known = Set(CodingKeys.allCases.map(\.rawValue))
        if let unknown = c.allKeys.first(where: { !known.contains($0.stringValue) }) {
            throw DecodingError.dataCorruptedError(
                forKey: unknown, in: c,
                debugDescription:
                    "unknown fault '\(unknown.stringValue)' (known: \(known.sorted().joined(separator: ", ")))")
        }
        let keyed = try decoder.container(keyedBy: CodingKeys.self)
        memory = try keyed.decodeIfPresent(ReplicaFault.self, forKey: .memory)
    }

    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}

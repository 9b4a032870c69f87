/// A fault injected into a replica for tests and drills (``GossipConfiguration/replicaFault``): the
/// engine keeps validating, gossiping and answering as usual, but what it holds goes bad, as a
/// failing disk or a bug would make it. Its settled digests then stop matching the other replicas',
/// which is what lowers its contribution to Ĉ (SPEC §3). Never set on a production node.
public enum ReplicaFault: String, CaseIterable, Hashable, Sendable, Codable {
    /// Every record the replica integrates (a local write, a peer's record, a restored one) is held
    /// with its payload altered after validation. The copy no longer matches its author's signature,
    /// so a peer that fetches it refuses it and scores this node down.
    case corruptReplicas
    /// The replica integrates nothing: local writes are still pushed to the other replicas, but
    /// neither they nor peers' records (nor restored ones) are held.
    case dropWrites
}

extension ReplicaFault {
    /// What the replica holds in place of a validated `record`; nil when it holds nothing.
    public func held(_ record: MemoryRecord) -> MemoryRecord? {
        switch self {
        case .dropWrites:
            return nil
        case .corruptReplicas:
            var copy = record
            // Flip the first byte (or add one to an empty payload): the content hash changes and the
            // size stays within the codec's bounds.
            if copy.payload.isEmpty { copy.payload = [0xFF] } else { copy.payload[0] ^= 0xFF }
            return copy
        }
    }
}

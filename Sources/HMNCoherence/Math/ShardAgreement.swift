import HMNPrimitives

/// Memory agreement between validators (SPEC §3): for each shard, the power-weighted majority
/// digest among the reports, and how many of one validator's reports match it.
public enum ShardAgreement {
    /// For each shard any signer reported, the digest backed by the most power (a plurality, so a
    /// shard always has one); a tie goes to the smallest digest, so every node picks the same one.
    public static func majorityDigests(_ reports: [(power: UInt64, digests: [ShardDigest])]) -> [UInt32: Hash256] {
        var tallies: [UInt32: [Hash256: UInt128]] = [:]
        for report in reports {
            for entry in report.digests {
                tallies[entry.shard, default: [:]][entry.digest, default: 0] += UInt128(report.power)
            }
        }
        var majority: [UInt32: Hash256] = [:]
        for (shard, votes) in tallies {
            // A total order (power, then digest), so dictionary iteration order cannot matter.
            let best = votes.max { lhs, rhs in
                lhs.value != rhs.value ? lhs.value < rhs.value : rhs.key < lhs.key
            }
            majority[shard] = best?.key
        }
        return majority
    }

    /// How many of `digests` equal the majority digest of their shard.
    public static func matchingCount(_ digests: [ShardDigest], majority: [UInt32: Hash256]) -> Int {
        digests.reduce(0) { count, entry in majority[entry.shard] == entry.digest ? count + 1 : count }
    }
}

import HMNCoherence
import HMNPrimitives

/// Shared fixtures: deterministic keys, commits and facts.
enum Fixtures {
    /// 32 deterministic validator keys, sorted so index order is key order.
    static let keys: [PublicKey] = (1...32).map {
        try! SigningKey(seed: [UInt8](repeating: UInt8($0), count: 32)).publicKey
    }.sorted()

    static let signature = try! Signature(bytes: [UInt8](repeating: 7, count: 64))

    static func fp(_ value: Double) -> FixedPoint { FixedPoint(exactly: value)! }

    static func digest(_ tag: UInt8) -> Hash256 { Hash256.of([tag]) }

    /// A commit for `height` signed by `signers` (λ proposal and shard digests per signer).
    static func commit(
        height: UInt64, _ signers: [(key: PublicKey, lambda: FixedPoint, digests: [ShardDigest])]
    ) -> CommitCertificate {
        CommitCertificate(
            height: height, round: 0, blockID: Hash256.of([UInt8(truncatingIfNeeded: height)]),
            signatures: signers.map {
                CommitSignature(
                    validator: $0.key,
                    voteExtension: VoteExtension(lambdaProposal: $0.lambda, shardDigests: $0.digests),
                    signature: signature)
            })
    }

    /// Facts for `height` where every validator in `signing` signs with `lambda` and no shards.
    static func facts(
        height: UInt64, validators: [ValidatorPower], signing: [PublicKey], lambda: FixedPoint = .one,
        time: UInt64? = nil
    ) -> BlockFacts {
        BlockFacts(
            height: height, timeMilliseconds: time ?? height * 1_000, validators: validators,
            lastCommit: height == 1 ? nil : commit(height: height - 1, signing.map { ($0, lambda, []) }))
    }

    static func equalPowers(_ count: Int, power: UInt64 = 100) -> [ValidatorPower] {
        keys.prefix(count).map { ValidatorPower(publicKey: $0, power: power) }
    }
}

extension SeededGenerator {
    /// A uniform ppm value in [0, 1].
    mutating func unitFixed() -> FixedPoint { FixedPoint(raw: Int64.random(in: 0...FixedPoint.scale, using: &self)) }

    mutating func fixed(in range: ClosedRange<Int64>) -> FixedPoint {
        FixedPoint(raw: Int64.random(in: range, using: &self))
    }
}

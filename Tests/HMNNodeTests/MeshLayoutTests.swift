import Foundation
import HMNLedger
import HMNMesh
import HMNNode
import HMNPrimitives
import Testing

@Suite("Mesh layout: the shard map as a function of genesis and the validator set")
struct MeshLayoutTests {
    static let keys = (0..<6).map { SigningKey.derived(from: "layout-\($0)").publicKey }
    static func validators(_ count: Int, power: UInt64 = 100, psi: FixedPoint = .one) -> [ValidatorStatus] {
        keys.prefix(count).map { ValidatorStatus(key: $0, power: power, psi: psi) }
    }

    @Test("seeded centroids: unit length, a function of the chain id only, different for another chain")
    func seededCentroids() {
        let a = MeshLayout.seededCentroids(count: 5, dimension: 16, chainID: "chain-a")
        #expect(a == MeshLayout.seededCentroids(count: 5, dimension: 16, chainID: "chain-a"))
        #expect(a != MeshLayout.seededCentroids(count: 5, dimension: 16, chainID: "chain-b"))
        #expect(a.count == 5 && a.allSatisfy { $0.count == 16 })
        for centroid in a {
            let norm = centroid.reduce(0) { $0 + $1 * $1 }.squareRoot()
            #expect(abs(norm - 1) < 1e-5)
            #expect(centroid.contains { $0 < 0 } && centroid.contains { $0 > 0 })
        }
        // The first draws do not depend on how many shards follow.
        #expect(MeshLayout.seededCentroids(count: 2, dimension: 16, chainID: "chain-a") == Array(a.prefix(2)))
    }

    @Test("placement Ψ has three levels: 1 from 0.5 up, 0.5 below, 0 at 0")
    func placementPsi() {
        let cases: [(Int64, Int64)] = [
            (0, 0), (-5, 0), (1, 500_000), (499_999, 500_000), (500_000, 1_000_000), (729_000, 1_000_000),
            (999_999, 1_000_000), (1_000_000, 1_000_000),
        ]
        for (raw, expected) in cases {
            #expect(MeshLayout.placementPsi(FixedPoint(raw: raw)).raw == expected, "Ψ raw \(raw)")
        }
    }

    @Test("the same validators give the same map; a changed set gives version + 1 and moves only some shards")
    func mapFollowsValidators() throws {
        let layout = MeshLayout(
            centroids: MeshLayout.seededCentroids(count: 24, dimension: 8, chainID: "c"), replicationFactor: 3)
        let first = try layout.map(validators: Self.validators(5), dimension: 8, base: nil)
        #expect(first == (try layout.map(validators: Self.validators(5).reversed(), dimension: 8, base: nil)))
        #expect(first.shards.count == 24 && first.replicationFactor == 3)
        #expect(
            try layout.map(validators: Self.validators(5), dimension: 8, base: first) == first,
            "no change, no new version")
        // Validator 4 leaves: only the shards it hosted change replicas.
        let smaller = try layout.map(validators: Self.validators(4), dimension: 8, base: first)
        #expect(smaller.version == first.version + 1)
        for shard in first.shards {
            let before = first.replicas(of: shard.id)
            let after = smaller.replicas(of: shard.id)
            #expect(!after.contains(Self.keys[4]))
            if !before.contains(Self.keys[4]) { #expect(after == before) }
        }
        // Ψ at 0 hosts nothing; a drop that stays above 0.5 changes nothing.
        var statuses = Self.validators(5)
        statuses[1].psi = .zero
        let zeroed = try layout.map(validators: statuses, dimension: 8, base: first)
        #expect(zeroed.shards(hostedBy: Self.keys[1]).isEmpty)
        statuses[1].psi = FixedPoint(raw: 980_000)
        #expect(try layout.map(validators: statuses, dimension: 8, base: first) == first)
        statuses[1].psi = FixedPoint(raw: 600_000)
        #expect(try layout.map(validators: statuses, dimension: 8, base: first) == first)
    }

    @Test("genesis mesh: defaults, seeded shards, explicit centroids, and every bad value refused")
    func genesisValidation() throws {
        var document = GenesisDocument(chainID: "c", genesisTimeMilliseconds: 0, accounts: [])
        #expect(try document.meshLayout(dimension: 4).centroids.count == 1)
        #expect(try document.meshLayout(dimension: 4).replicationFactor == 3)
        document.mesh = GenesisDocument.Mesh(shards: 6, replicationFactor: 2)
        let seeded = try document.meshLayout(dimension: 4)
        #expect(seeded.centroids == MeshLayout.seededCentroids(count: 6, dimension: 4, chainID: "c"))
        document.mesh = GenesisDocument.Mesh(shards: 6, centroids: [[1, 0], [0, 1]])
        #expect(try document.meshLayout(dimension: 2).centroids == [[1, 0], [0, 1]], "centroids win over shards")
        let bad: [GenesisDocument.Mesh] = [
            .init(shards: 0), .init(shards: MeshLayout.maxShards + 1), .init(replicationFactor: 0),
            .init(replicationFactor: 65), .init(centroids: []), .init(centroids: [[1, 0, 0]]),
            .init(centroids: [[1, .nan]]),
        ]
        for mesh in bad {
            document.mesh = mesh
            #expect(throws: NodeConfigurationError.self, "\(mesh)") { try document.meshLayout(dimension: 2) }
        }
        // The section round-trips through genesis.json.
        document.mesh = GenesisDocument.Mesh(shards: 3, replicationFactor: 2)
        let json = try JSONEncoder().encode(document)
        #expect(try JSONDecoder().decode(GenesisDocument.self, from: json).mesh == document.mesh)
    }

    static func split(_ shard: ShardID, base: UInt64, keep: [Float], split: [Float]) -> [UInt8] {
        ShardMapProposal(baseVersion: base, changes: [.splitShard(shard, keep: keep, split: split)]).transactionPayload
    }

    @Test("a committed split: the shard keeps its id at the new centroid, the new half takes the next id")
    func splitApplies() throws {
        let layout = MeshLayout(centroids: [[1, 0], [0, 1]], replicationFactor: 2)
        let first = try layout.map(validators: Self.validators(4), dimension: 2, base: nil)
        let split = try layout.applying(proposal: Self.split(1, base: 0, keep: [-0.2, 1], split: [0.2, 1]))
        #expect(split.version == 1 && split.genesisShardCount == 2)
        #expect(split.centroids == [[1, 0], [-0.2, 1], [0.2, 1]])
        // The map follows: applied to the running map (version + 1) or built fresh, the same shards.
        let next = try split.map(validators: Self.validators(4), dimension: 2, base: first)
        let fresh = try split.map(validators: Self.validators(4), dimension: 2, base: nil)
        #expect(next.version == first.version + 1)
        #expect(next.shards == fresh.shards && next.nextShardID == 3)
        #expect(next.nearestShard(to: [0.3, 0.9]) == 2 && next.nearestShard(to: [-0.3, 0.9]) == 1)
        #expect(next.nearestShard(to: [0.9, 0.1]) == 0)
        for shard in next.shards { #expect(next.replicas(of: shard.id) == fresh.replicas(of: shard.id)) }
        #expect(
            try split.map(validators: Self.validators(4), dimension: 2, base: next) == next, "nothing left to apply")
    }

    @Test("a proposal that does not apply changes nothing, and is skipped alike when committed")
    func badProposalsSkipped() throws {
        let layout = MeshLayout(centroids: [[1, 0], [0, 1]], replicationFactor: 2)
        let good = Self.split(0, base: 0, keep: [1, 0.1], split: [1, -0.1])
        let bad: [(String, [UInt8])] = [
            ("stale version", Self.split(0, base: 1, keep: [1, 0.1], split: [1, -0.1])),
            ("unknown shard", Self.split(2, base: 0, keep: [1, 0.1], split: [1, -0.1])),
            ("wrong dimension", Self.split(0, base: 0, keep: [1, 0.1, 0], split: [1, -0.1])),
            ("NaN centroid", Self.split(0, base: 0, keep: [.nan, 0.1], split: [1, -0.1])),
            ("same centroids", Self.split(0, base: 0, keep: [1, 0], split: [1, 0])),
            ("not a split", ShardMapProposal(baseVersion: 0, changes: [.setReplicationFactor(5)]).transactionPayload),
            ("no change", ShardMapProposal(baseVersion: 0, changes: []).transactionPayload),
            ("not a proposal", [1, 2, 3]),
        ]
        for (why, payload) in bad {
            #expect(throws: NodeError.self, "\(why)") { try layout.applying(proposal: payload) }
        }
        // In chain order: the bad ones are skipped, the good one applies, and a second proposal
        // computed on the same version as the first is stale once the first is in.
        let committed = (bad.map(\.1) + [good, good]).enumerated().map {
            CommittedShardMapProposal(height: UInt64($0.offset + 1), position: 0, payload: $0.element)
        }
        let folded = layout.applyingCommitted(committed)
        #expect(folded == (try layout.applying(proposal: good)))
        #expect(folded.version == 1 && folded.centroids.count == 3)
    }

    @Test("genesis split thresholds: defaults, overrides, and bad values refused")
    func splitThresholds() throws {
        var document = GenesisDocument(chainID: "c", genesisTimeMilliseconds: 0, accounts: [])
        #expect(try document.meshSplitPlanner() == ShardSplitPlanner())
        document.mesh = GenesisDocument.Mesh(splitMaxRecords: 500, splitMaxQueriesPerSecond: 20)
        #expect(try document.meshSplitPlanner() == ShardSplitPlanner(maxRecords: 500, maxQueriesPerSecond: 20))
        for mesh in [
            GenesisDocument.Mesh(splitMaxRecords: 0), .init(splitMaxQueriesPerSecond: 0),
            .init(splitMaxQueriesPerSecond: .infinity),
        ] {
            document.mesh = mesh
            #expect(throws: NodeConfigurationError.self, "\(mesh)") { try document.meshSplitPlanner() }
        }
    }

    @Test("mutated proposal bytes (seeded): a typed error or a valid split, never a crash or a bad layout")
    func mutatedProposals() throws {
        let layout = MeshLayout(centroids: [[1, 0], [0, 1]], replicationFactor: 2)
        let valid = Self.split(1, base: 0, keep: [-0.2, 1], split: [0.2, 1])
        var generator = SeededGenerator(seed: 20_261_207)
        var applied = 0
        for _ in 0..<2_000 {
            var bytes = valid
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                switch Int.random(in: 0..<3, using: &generator) {
                case 0:
                    bytes[Int.random(in: 0..<bytes.count, using: &generator)] ^= UInt8.random(
                        in: 1...255, using: &generator)
                case 1: bytes.removeLast(Int.random(in: 0...min(8, bytes.count - 1), using: &generator))
                default: bytes.append(UInt8.random(in: 0...255, using: &generator))
                }
            }
            guard let next = try? layout.applying(proposal: bytes) else { continue }
            applied += 1
            #expect(next.version == 1 && next.centroids.count == 3)
            #expect(next.centroids.allSatisfy { $0.count == 2 && $0.allSatisfy(\.isFinite) })
        }
        #expect(applied < 2_000, "mutations must be refused")
    }
}

import Foundation
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

    @Test("placement Ψ is rounded up to a quarter; 0 stays 0")
    func placementPsi() {
        let cases: [(Int64, Int64)] = [
            (0, 0), (-5, 0), (1, 250_000), (250_000, 250_000), (250_001, 500_000), (999_999, 1_000_000),
            (1_000_000, 1_000_000),
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
        // Ψ at 0 hosts nothing; a small Ψ drop inside one quarter changes nothing.
        var statuses = Self.validators(5)
        statuses[1].psi = .zero
        let zeroed = try layout.map(validators: statuses, dimension: 8, base: first)
        #expect(zeroed.shards(hostedBy: Self.keys[1]).isEmpty)
        statuses[1].psi = FixedPoint(raw: 980_000)
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
}

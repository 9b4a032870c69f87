import HMNMesh
import HMNPrimitives
import Logging

/// Helpers for the memory-mesh tests.
enum MeshTestSupport {
    static func key(_ index: Int) -> SigningKey {
        try! SigningKey(seed: [UInt8](repeating: UInt8(index & 0xff), count: 31) + [UInt8(index >> 8 & 0xff)])
    }

    static func logger() -> Logger {
        var logger = Logger(label: "hmn.mesh.tests")
        logger.logLevel = .warning
        return logger
    }

    /// A map of `nodes` nodes (Ψ = 1) and the given centroids, at version 1.
    static func map(centroids: [[Float]], nodes: [PublicKey], replicationFactor: Int = 3) -> ShardMap {
        let proposal = ShardMapProposal(
            baseVersion: 0, changes: [.setCentroids(centroids)] + nodes.map { .upsertNode(MeshNodeInfo(key: $0)) })
        return try! ShardMap(dimension: centroids[0].count, replicationFactor: replicationFactor).applying(proposal)
    }

    /// Unit vector along axis `axis` of `dimension`, scaled.
    static func axis(_ axis: Int, dimension: Int, scale: Float = 1) -> [Float] {
        var vector = [Float](repeating: 0, count: dimension)
        vector[axis] = scale
        return vector
    }

    static func sample(dimension: Int, count: Int, seed: UInt64) -> [[Float]] {
        var vectors = LowRankVectors(dimension: dimension, intrinsicDimension: 4, noise: 0.05, seed: seed)
        return vectors.next(count)
    }
}

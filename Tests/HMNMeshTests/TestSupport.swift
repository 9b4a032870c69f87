import Foundation
@testable import HMNMesh
import HMNPrimitives
import Logging

/// Shared helpers for the HMNMesh tests.
enum TestSupport {
    static let author = try! SigningKey(seed: [UInt8](repeating: 1, count: 32))

    static func id(_ number: Int) -> Hash256 { Hash256.of(Array("test-\(number)".utf8)) }

    static func logger() -> Logger {
        var logger = Logger(label: "hmn.mesh.tests")
        logger.logLevel = .warning
        return logger
    }

    static func record(
        _ number: Int, vector: [Float], version: UInt64 = 1, importance: Double = 0.5,
        lastAccess: UInt64 = 0, payload: [UInt8] = []
    ) -> MemoryRecord {
        MemoryRecord(
            id: id(number), vector: vector, payload: payload, author: author.publicKey, version: version,
            createdAtMilliseconds: lastAccess, importance: FixedPoint(exactly: importance)!,
            lastAccessMilliseconds: lastAccess)
    }

    /// A fresh temporary directory path for a database file.
    static func temporaryPath(_ name: String) -> String {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("hmn-mesh-tests-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory.appendingPathComponent(name).path
    }

    /// Exact top-k labels by brute force.
    static func groundTruth(base: [[Float]], queries: [[Float]], metric: DistanceMetric, k: Int) throws -> [[UInt64]] {
        let exact = FlatIndex(dimension: base[0].count, metric: metric, initialCapacity: base.count)
        for (label, vector) in base.enumerated() { try exact.add(vector, label: UInt64(label)) }
        return try queries.map { try exact.search($0, k: k).map(\.label) }
    }

    /// Mean recall@k of `results` against `truth`.
    static func recall(_ results: [[UInt64]], truth: [[UInt64]], k: Int) -> Double {
        var found = 0
        for (got, want) in zip(results, truth) {
            let wanted = Set(want.prefix(k))
            found += got.prefix(k).filter { wanted.contains($0) }.count
        }
        return Double(found) / Double(truth.count * k)
    }
}

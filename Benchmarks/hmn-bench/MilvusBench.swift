import ArgumentParser
import Foundation
import HMNMesh
import HMNMilvus
import HMNPrimitives
import Logging

/// `hmn-bench milvus`: the same seeded records loaded into the embedded store (HNSW) and into a
/// Milvus collection (HMNMilvus), then the same queries against both: load time, recall@10
/// against brute force, single-client queries/s. Printed, never asserted (Docs/PERFORMANCE.md).
///
/// Needs a Milvus: `Scripts/milvus.sh start` prints its URL.
struct MilvusBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "milvus",
        abstract: "Embedded HNSW beside the Milvus backend: load time, recall@10, queries/s.")

    @Option(help: "Milvus REST base URL (default: $HMN_MILVUS_URL).")
    var url: String?

    @Option(help: "Records loaded into each store (seeded low-rank 128-d vectors, intrinsic 16).")
    var count = 20_000

    @Option(help: "Queries (from the same distribution, not in the base set).")
    var queries = 500

    @Option(help: "Records per upsert batch (one SQLite transaction / one Milvus insert request).")
    var batch = 1_000

    @Option(help: "efSearch of the embedded HNSW.")
    var ef = 64

    func run() throws {
        guard let url = url ?? ProcessInfo.processInfo.environment["HMN_MILVUS_URL"] else {
            throw ValidationError("give --url or set HMN_MILVUS_URL (Scripts/milvus.sh start prints it)")
        }
        var logger = Logger(label: "hmn.bench.milvus")
        logger.logLevel = .warning
        var generator = LowRankVectors(seed: 20_240_601)
        let base = generator.next(count)
        let queryVectors = generator.next(queries)
        let author = try SigningKey(seed: [UInt8](repeating: 3, count: 32)).publicKey
        let records = base.enumerated().map { number, vector in
            MemoryRecord(id: Hash256.of(Array("bench-\(number)".utf8)), vector: vector, author: author)
        }
        let numberOf = Dictionary(uniqueKeysWithValues: records.enumerated().map { ($0.element.id, $0.offset) })

        let exact = FlatIndex(dimension: 128, metric: .l2, initialCapacity: count)
        for (label, vector) in base.enumerated() { try exact.add(vector, label: UInt64(label)) }
        let truth = try queryVectors.map { Set(try exact.search($0, k: 10).map { Int($0.label) }) }

        var shape = VectorStoreConfiguration(
            dimension: 128, metric: .l2, requiresProofForCritical: false, durable: false)
        shape.hnsw.efSearch = ef
        let embedded = try VectorStore(path: ":memory:", configuration: shape, logger: logger)
        let milvus = try MilvusVectorStore(
            connection: MilvusConnection(
                url: url, collection: "hmn_bench_\(count)_\(UInt32.random(in: 0...UInt32.max))",
                requestTimeoutSeconds: 60, visibilityTimeoutSeconds: 60),
            configuration: shape, logger: logger)

        print("store,records,load_s,recall@10,qps")
        for (name, upsert, search) in [
            ("embedded-hnsw(ef=\(ef))", embedded.upsert(contentsOf:), { try embedded.search($0, k: 10) }),
            ("milvus-2.3.5", milvus.upsert(contentsOf:), { try milvus.search($0, k: 10) }),
        ] as [(String, ([MemoryRecord]) throws -> Void, ([Float]) throws -> [MemoryHit])] {
            let loadStart = ContinuousClock.now
            var start = 0
            while start < records.count {
                try upsert(Array(records[start..<min(records.count, start + batch)]))
                start += batch
            }
            let load = (ContinuousClock.now - loadStart).seconds
            for query in queryVectors.prefix(20) { _ = try search(query) }  // warm-up
            let queryStart = ContinuousClock.now
            var results: [[MemoryHit]] = []
            for query in queryVectors { results.append(try search(query)) }
            let elapsed = (ContinuousClock.now - queryStart).seconds
            var found = 0
            for (hits, want) in zip(results, truth) {
                found += hits.filter { numberOf[$0.id].map(want.contains) ?? false }.count
            }
            let recall = Double(found) / Double(queryVectors.count * 10)
            print(
                [
                    name, "\(count)", String(format: "%.2f", load), String(format: "%.4f", recall),
                    String(format: "%.0f", Double(queryVectors.count) / elapsed),
                ].joined(separator: ","))
        }
        milvus.close()
    }
}

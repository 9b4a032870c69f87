import ArgumentParser
import Foundation
import HMNMesh

/// `hmn-bench vectors`: HMN's HNSW on the side-by-side data of `Benchmarks/vectors/run.sh`
/// (`.fvecs`/`.ivecs` written once by Python, so every system reads identical bytes), or on seeded
/// synthetic low-rank data with `--synthetic N`. Prints CSV: system,dataset,build_s,ef,recall,qps.
struct VectorsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vectors",
        abstract: "HNSW build time, recall@10 and single-thread queries/s."
    )

    @Option(help: "Directory with <name>_base.fvecs, <name>_query.fvecs, <name>_gt.ivecs.")
    var data: String?

    @Option(help: "Comma-separated dataset names inside --data.")
    var datasets: String = "lowrank,blobs"

    @Option(help: "Instead of --data: N seeded low-rank vectors (128-d, intrinsic 16), exact ground truth.")
    var synthetic: Int?

    @Option(name: .customLong("M"), help: "HNSW M.")
    var m: Int = 16

    @Option(help: "HNSW efConstruction.")
    var efConstruction: Int = 200

    @Option(help: "Comma-separated efSearch values to sweep.")
    var ef: String = "10,16,24,32,48,64,96,128,192,256,384"

    @Option(help: "Load the built index from this file if present, else build it and save it there.")
    var indexCache: String?

    @Option(help: "Metric: l2, cosine or ip.")
    var metric: String = "l2"

    func run() throws {
        let metricValue: DistanceMetric =
            switch metric {
            case "cosine": .cosine
            case "ip": .innerProduct
            default: .l2
            }
        let sweep = ef.split(separator: ",").compactMap { Int($0) }
        // On stderr so the CSV on stdout stays parseable; says which kernels produced the figures.
        FileHandle.standardError.write(Data("distance kernels: \(DistanceKernels.isa)\n".utf8))
        print("system,dataset,build_s,ef,recall,qps")
        if let synthetic {
            var generator = LowRankVectors(seed: 20_240_601)
            let base = generator.next(synthetic)
            let queries = generator.next(1_000)
            let exact = FlatIndex(dimension: 128, metric: metricValue, initialCapacity: synthetic)
            for (label, vector) in base.enumerated() { try exact.add(vector, label: UInt64(label)) }
            let truth = try queries.map { try exact.search($0, k: 10).map { Int($0.label) } }
            try runOne(
                name: "synthetic\(synthetic)", base: base, queries: queries, truth: truth,
                metric: metricValue, sweep: sweep)
            return
        }
        guard let data else { throw ValidationError("give --data DIR or --synthetic N") }
        for name in datasets.split(separator: ",").map(String.init) {
            let base = try VectorFiles.readFvecs("\(data)/\(name)_base.fvecs")
            let queries = try VectorFiles.readFvecs("\(data)/\(name)_query.fvecs")
            let truth = try VectorFiles.readIvecs("\(data)/\(name)_gt.ivecs")
            try runOne(name: name, base: base, queries: queries, truth: truth, metric: metricValue, sweep: sweep)
        }
    }

    private func runOne(
        name: String, base: [[Float]], queries: [[Float]], truth: [[Int]], metric: DistanceMetric, sweep: [Int]
    ) throws {
        let dimension = base[0].count
        let parameters = HNSWParameters(m: m, efConstruction: efConstruction, efSearch: 64)
        let index: HNSWIndex
        var build = 0.0
        if let indexCache, let image = FileManager.default.contents(atPath: indexCache) {
            index = try HNSWIndex(
                image: [UInt8](image), dimension: dimension, metric: metric, parameters: parameters)
        } else {
            index = try HNSWIndex(
                dimension: dimension, metric: metric, parameters: parameters, initialCapacity: base.count)
            let start = ContinuousClock.now
            for (label, vector) in base.enumerated() { try index.add(vector, label: UInt64(label)) }
            build = (ContinuousClock.now - start).seconds
            FileHandle.standardError.write(Data("\(name): built \(base.count) in \(build) s\n".utf8))
            if let indexCache {
                _ = FileManager.default.createFile(atPath: indexCache, contents: Data(index.serialized()))
            }
        }
        for efSearch in sweep where efSearch >= 10 {
            // One warm-up pass, then the timed pass (single thread, one query at a time).
            for query in queries.prefix(100) { _ = try index.search(query, k: 10, efSearch: efSearch) }
            var results: [[SearchHit]] = []
            results.reserveCapacity(queries.count)
            let queryStart = ContinuousClock.now
            for query in queries { results.append(try index.search(query, k: 10, efSearch: efSearch)) }
            let elapsed = (ContinuousClock.now - queryStart).seconds
            var found = 0
            for (hits, expected) in zip(results, truth) {
                let want = Set(expected.prefix(10))
                found += hits.filter { want.contains(Int($0.label)) }.count
            }
            let recall = Double(found) / Double(queries.count * 10)
            let qps = Double(queries.count) / elapsed
            let row = [
                "hmn", name, String(format: "%.3f", build), "\(efSearch)", String(format: "%.4f", recall),
                String(format: "%.0f", qps),
            ]
            print(row.joined(separator: ","))
        }
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}

/// Reads the TEXMEX `.fvecs`/`.ivecs` formats: per vector, an Int32 count then that many values.
enum VectorFiles {
    static func readFvecs(_ path: String) throws -> [[Float]] {
        try read(path) { raw, offset, count in
            (0..<count).map { raw.loadUnaligned(fromByteOffset: offset + $0 * 4, as: Float.self) }
        }
    }

    static func readIvecs(_ path: String) throws -> [[Int]] {
        try read(path) { raw, offset, count in
            (0..<count).map { Int(raw.loadUnaligned(fromByteOffset: offset + $0 * 4, as: Int32.self)) }
        }
    }

    private static func read<T>(_ path: String, _ row: (UnsafeRawBufferPointer, Int, Int) -> [T]) throws -> [[T]] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ValidationError("cannot read \(path)")
        }
        return try data.withUnsafeBytes { raw in
            var rows: [[T]] = []
            var offset = 0
            while offset < raw.count {
                guard offset + 4 <= raw.count else { throw ValidationError("\(path): truncated header") }
                let count = Int(raw.loadUnaligned(fromByteOffset: offset, as: Int32.self))
                guard count > 0, offset + 4 + count * 4 <= raw.count else { throw ValidationError("\(path): bad row") }
                rows.append(row(raw, offset + 4, count))
                offset += 4 + count * 4
            }
            return rows
        }
    }
}

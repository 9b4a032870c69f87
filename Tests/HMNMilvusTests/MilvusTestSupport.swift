import Foundation
import HMNMesh
import HMNMilvus
import HMNPrimitives
import Logging
import Testing

/// The real Milvus the tests use: `HMN_MILVUS_URL` (set by `make test` through Scripts/milvus.sh).
/// Without it every suite here is skipped, and says so.
enum MilvusTestSupport {
    static let url = ProcessInfo.processInfo.environment["HMN_MILVUS_URL"].flatMap { $0.isEmpty ? nil : $0 }
    static let skipReason: Comment =
        "HMN_MILVUS_URL is not set: run `Scripts/milvus.sh start` and export the URL it prints (make test does)"
    /// Scripts/milvus.sh, when the tests may kill and restart the server (make test sets it).
    static let control = ProcessInfo.processInfo.environment["HMN_MILVUS_CONTROL"].flatMap { $0.isEmpty ? nil : $0 }

    static let author = try! SigningKey(seed: [UInt8](repeating: 7, count: 32))

    static func logger() -> Logger {
        var logger = Logger(label: "hmn.milvus.tests")
        logger.logLevel = .warning
        return logger
    }

    /// A collection name no other test (or earlier run against the same server) uses.
    static func freshCollection(_ purpose: String) -> String {
        "hmn_test_\(purpose)_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased())"
    }

    static func connection(_ collection: String, url: String? = nil) -> MilvusConnection {
        MilvusConnection(url: url ?? Self.url ?? "", collection: collection, requestTimeoutSeconds: 10)
    }

    static func open(
        _ collection: String, dimension: Int = 16, metric: DistanceMetric = .l2, url: String? = nil
    ) throws -> MilvusVectorStore {
        try MilvusVectorStore(
            connection: connection(collection, url: url),
            configuration: VectorStoreConfiguration(dimension: dimension, metric: metric), logger: logger())
    }

    static func id(_ number: Int) -> Hash256 { Hash256.of(Array("milvus-test-\(number)".utf8)) }

    static func record(_ number: Int, vector: [Float], version: UInt64 = 1, payload: [UInt8] = []) -> MemoryRecord {
        MemoryRecord(
            id: id(number), vector: vector, payload: payload, author: author.publicKey, version: version,
            createdAtMilliseconds: 1_000, importance: FixedPoint(raw: 500_000))
    }

    /// Seeded vectors in [-1, 1).
    static func vectors(_ count: Int, dimension: Int, seed: UInt64) -> [[Float]] {
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { _ in (0..<dimension).map { _ in Float.random(in: -1..<1, using: &generator) } }
    }

    /// Exact top-k indexes of `base` by squared L2, by brute force.
    static func exactNearest(_ query: [Float], in base: [[Float]], k: Int) -> [Int] {
        let distances = base.map { vector in zip(vector, query).reduce(Float(0)) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
        }
        return Array(distances.indices.sorted { distances[$0] < distances[$1] }.prefix(k))
    }

    /// The error `body` throws, if it is a `MemoryStoreError`.
    static func storeErrorCode(_ body: () throws -> Void) -> MemoryStoreError.Code? {
        do {
            try body()
            return nil
        } catch let error as MemoryStoreError {
            return error.code
        } catch {
            return nil
        }
    }

    static func milvusErrorCode(_ body: () throws -> Void) -> MilvusError.Code? {
        do {
            try body()
            return nil
        } catch let error as MilvusError {
            return error.code
        } catch {
            return nil
        }
    }

    /// Runs Scripts/milvus.sh with `argument` and returns its standard output.
    ///
    /// The output goes through a file, not a pipe: the server the script starts lives on, and a
    /// pipe inherited by it would never reach end-of-file.
    @discardableResult
    static func runControl(_ script: String, _ argument: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("hmn-milvus-\(UUID().uuidString)").path
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [script, argument]
        process.standardOutput = output
        try process.run()
        process.waitUntilExit()
        try output.close()
        let data = FileManager.default.contents(atPath: path) ?? Data()
        guard process.terminationStatus == 0 else {
            throw MilvusError(.invalidConfiguration, "\(script) \(argument) exited \(process.terminationStatus)")
        }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

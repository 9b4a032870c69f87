import ArgumentParser
import Foundation
import HMNMesh
import HMNPrimitives
import Logging

/// Hidden helper for the kill -9 test in HMNMeshTests: inserts records into a store one at a time
/// and prints `ACK <n>` after each insert returned (that is, after its transaction committed),
/// until it is killed. Record n has id BLAKE2b("crash-<n>") and the n-th seeded low-rank vector.
struct VectorCrashWorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vector-crash-worker",
        abstract: "Test helper: insert records until killed, acknowledging each.",
        shouldDisplay: false
    )

    @Option(help: "Store path.")
    var path: String

    @Option(help: "First record number to insert.")
    var start: Int = 0

    @Option(help: "Stop after this record number (exclusive).")
    var end: Int = 1_000_000

    func run() throws {
        let store = try VectorStore(
            path: path, configuration: Self.storeConfiguration, logger: Logger(label: "hmn.crash-worker"))
        let author = try SigningKey(seed: [UInt8](repeating: 7, count: 32)).publicKey
        for number in start..<end {
            let record = MemoryRecord(
                id: Self.id(number), vector: Self.vector(number), payload: Array("memory \(number)".utf8),
                author: author, createdAtMilliseconds: UInt64(number))
            do {
                try store.upsert(record)
            } catch let error as MemoryStoreError where error.code == .staleVersion {
                // Committed by a previous run that was killed before it could acknowledge.
            }
            FileHandle.standardOutput.write(Data("ACK \(number)\n".utf8))
        }
    }

    /// The store shape the worker and the test share.
    static let storeConfiguration = VectorStoreConfiguration(
        dimension: 32, metric: .cosine, hnsw: HNSWParameters(m: 8, efConstruction: 64, efSearch: 64),
        checkpointInterval: 40)

    static func id(_ number: Int) -> Hash256 { Hash256.of(Array("crash-\(number)".utf8)) }

    static func vector(_ number: Int) -> [Float] {
        var generator = LowRankVectors(dimension: 32, intrinsicDimension: 8, noise: 0.05, seed: UInt64(number) &+ 1)
        return generator.next()
    }
}

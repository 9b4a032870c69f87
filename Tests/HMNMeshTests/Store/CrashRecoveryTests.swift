import Foundation
@testable import HMNMesh
import HMNPrimitives
import Testing
#if canImport(Glibc)
    import Glibc
#endif

/// kill -9 durability: a child process (`hmn-bench vector-crash-worker`, built beside the test
/// bundle) inserts records and prints `ACK n` once each insert returned; the test kills it with
/// SIGKILL at seeded random moments, restarts it, and finally checks that every acknowledged
/// record is present and searchable after reopening.
@Suite("Crash recovery")
struct CrashRecoveryTests {
    /// Same formula as the worker's `VectorCrashWorkerCommand.id`.
    static func id(_ number: Int) -> Hash256 { Hash256.of(Array("crash-\(number)".utf8)) }

    static func workerURL() throws -> URL {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
            Bundle.main.bundleURL.deletingLastPathComponent(),
            Bundle.main.bundleURL,
        ]
        for directory in candidates {
            for up in [directory, directory.deletingLastPathComponent()] {
                let url = up.appendingPathComponent("hmn-bench")
                if FileManager.default.isExecutableFile(atPath: url.path) { return url }
            }
        }
        throw MemoryStoreError(
            .notFound, "hmn-bench not found next to \(CommandLine.arguments[0]); run swift build --build-tests")
    }

    @Test("every acknowledged insert survives SIGKILL at 12 random points")
    func killNine() throws {
        let worker = try Self.workerURL()
        let path = TestSupport.temporaryPath("crash.sqlite")
        var generator = SeededGenerator(seed: 2_026)
        var acknowledged = Set<Int>()
        var next = 0
        let started = ContinuousClock.now
        let killPoints = 12
        for _ in 0..<killPoints {
            let process = Process()
            process.executableURL = worker
            process.arguments = ["vector-crash-worker", "--path", path, "--start", "\(next)"]
            let output = Pipe()
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            try process.run()
            // Let it get going (open + reconcile), then kill at a random moment.
            let delayMicroseconds = 150_000 + UInt32(generator.next() % 700_000)
            usleep(delayMicroseconds)
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            #expect(process.terminationReason == .uncaughtSignal)
            let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            for line in text.split(separator: "\n") where line.hasPrefix("ACK ") {
                if let number = Int(line.dropFirst(4)) { acknowledged.insert(number) }
            }
            next = (acknowledged.max() ?? -1) + 1
        }
        print(
            "kill -9: \(killPoints) kills, \(acknowledged.count) acknowledged inserts, \(ContinuousClock.now - started)"
        )
        #expect(ContinuousClock.now - started < .seconds(40))
        #expect(acknowledged.count > 0, "the worker acknowledged nothing; it may be failing to start")
        let store = try VectorStore(
            path: path,
            configuration: VectorStoreConfiguration(
                dimension: 32, metric: .cosine, hnsw: HNSWParameters(m: 8, efConstruction: 64, efSearch: 64),
                checkpointInterval: 40),
            logger: TestSupport.logger())
        var missing: [Int] = []
        var unsearchable: [Int] = []
        for number in acknowledged.sorted() {
            guard let record = store.record(id: Self.id(number)) else {
                missing.append(number)
                continue
            }
            let hits = try store.search(record.vector, k: 5, efSearch: 64)
            if !hits.contains(where: { $0.id == record.id }) { unsearchable.append(number) }
        }
        #expect(missing.isEmpty, "acknowledged but missing after kill -9: \(missing.prefix(10))")
        #expect(unsearchable.isEmpty, "acknowledged but not found by search: \(unsearchable.prefix(10))")
        #expect(store.count >= acknowledged.count)
    }
}

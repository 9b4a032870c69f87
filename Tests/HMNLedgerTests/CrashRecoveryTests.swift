import Foundation
import HMNPrimitives
import Testing
@testable import HMNLedger

@Suite("Crash safety (SIGKILL at random points)")
struct CrashRecoveryTests {
    /// The `hmn` executable built next to the test bundle (`swift build --build-tests` builds it).
    static func workerExecutable() -> URL? {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
            Bundle.main.bundleURL.deletingLastPathComponent(),
            Bundle.main.bundleURL,
            URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent(".build/debug"),
        ].map { $0.appendingPathComponent("hmn") }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    /// Runs the worker for `milliseconds`, SIGKILLs it, and returns the highest height it
    /// acknowledged (printed after `commit` returned), or nil if it acknowledged none.
    static func runAndKill(_ executable: URL, path: String, afterMilliseconds milliseconds: Int) throws -> (
        UInt64?, String
    ) {
        let process = Process()
        process.executableURL = executable
        process.arguments = ["_ledger-crash-worker", "--path", path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        Thread.sleep(forTimeInterval: Double(milliseconds) / 1_000)
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let acknowledged = text.split(separator: "\n").compactMap { line -> UInt64? in
            line.hasPrefix("committed ") ? UInt64(line.dropFirst("committed ".count)) : nil
        }.max()
        return (acknowledged, text)
    }

    @Test("reopening after SIGKILL never loses an acknowledged block and never shows a partial one")
    func killAtRandomPoints() throws {
        guard let executable = Self.workerExecutable() else {
            Issue.record("hmn executable not found next to the tests; build with `swift build --build-tests`")
            return
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hmn-crash-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("ledger.sqlite").path
        let logger = TestChain.quiet

        var rng = SeededGenerator(seed: 0xC0FFEE)
        var acknowledged: UInt64 = 0
        let started = Date()
        var killPoints = 0
        var verifiedThrough: UInt64 = 1
        // Under a sanitizer the worker starts and commits 5–15× slower: `make tsan`/`make asan`
        // stretch the kill delays (and the time budget) by HMN_TEST_TIME_SCALE so kills still land
        // mid-chain rather than before the first block.
        let scale = max(1, ProcessInfo.processInfo.environment["HMN_TEST_TIME_SCALE"].flatMap(Int.init) ?? 1)
        while killPoints < 24 && Date().timeIntervalSince(started) < 35 * Double(scale) {
            let delay = Int.random(in: 30...300, using: &rng) * scale
            let (acked, output) = try Self.runAndKill(executable, path: path, afterMilliseconds: delay)
            killPoints += 1
            guard FileManager.default.fileExists(atPath: path) else { continue }  // killed before creating the file
            if let acked { acknowledged = max(acknowledged, acked) }

            let ledger: Ledger
            do {
                ledger = try Ledger.open(path: path, logger: logger)
            } catch {
                if error.code == .invalidGenesis && acknowledged == 0 { continue }  // killed while creating the chain
                Issue.record("reopen failed after kill \(killPoints) (\(delay) ms): \(error)\n\(output)")
                return
            }
            defer { ledger.close() }
            // Durability: every acknowledged block is there. At most the one block whose commit
            // returned just before the kill may be there unacknowledged.
            #expect(ledger.height >= acknowledged, "lost acknowledged block \(acknowledged), have \(ledger.height)")
            #expect(ledger.height <= acknowledged + 1)
            // Atomicity: every block stored since the last check (and its parent link), its
            // certificate and index rows, and the state root check out.
            let from = max(1, verifiedThrough)
            #expect(try ledger.verifyChain(from: from) == ledger.height - min(ledger.height, from - 1))
            verifiedThrough = ledger.height
            acknowledged = ledger.height
        }
        #expect(killPoints >= 20)
        let final = try Ledger.open(path: path, logger: logger)
        defer { final.close() }
        #expect(try final.verifyChain() == final.height)  // the whole chain, once more
        #expect(acknowledged > 5, "the worker made too little progress to test anything")
    }
}

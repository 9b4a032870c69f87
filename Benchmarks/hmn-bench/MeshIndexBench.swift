import ArgumentParser
import Foundation
import HMNMesh
import HMNPrimitives

/// `hmn-bench mesh-index`: what one reconciliation round reads from a replica's record store —
/// the root fingerprint, its 16 children and those of one child — through the range index, against
/// scanning the shard for each range as before, in the same run. Also the cost of a merge.
struct MeshIndexBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mesh-index", abstract: "Range-fingerprint index of the mesh record store against a full scan.")

    @Option(parsing: .upToNextOption, help: "Records in the store.")
    var records: [Int] = [10_000, 100_000, 1_000_000]

    @Option(help: "Rounds timed per size (the scan is timed on fewer when slow).")
    var rounds = 200

    func run() throws {
        print("| records | merge µs/record | round, indexed µs | round, scanned µs | scanned ÷ indexed |")
        print("|---|---|---|---|---|")
        let author = try SigningKey(seed: [UInt8](repeating: 5, count: 32)).publicKey
        for count in records {
            var store = MeshRecordStore()
            let built = TransportBench.seconds(
                ContinuousClock().measure {
                    for number in 0..<count {
                        let id = Hash256.of(Array("bench-\(number)".utf8))
                        store.merge(MemoryRecord(id: id, vector: [1, 0], payload: [], author: author), shard: 0)
                    }
                })
            let child = store.children(shard: 0, prefix: .root).first!.prefix
            let indexed = Self.secondsPerRound(
                rounds, on: store, child: child, fingerprint: { $0.fingerprint(shard: 0, prefix: $1) },
                children: { $0.children(shard: 0, prefix: $1) })
            let scanRounds = max(3, min(rounds, 20_000_000 / max(count, 1)))
            let scanned = Self.secondsPerRound(
                scanRounds, on: store, child: child, fingerprint: { $0.scannedFingerprint(shard: 0, prefix: $1) },
                children: { $0.scannedChildren(shard: 0, prefix: $1) })
            let perIndexed = indexed * 1e6
            let perScanned = scanned * 1e6
            print(
                "| \(count) | \(String(format: "%.2f", built / Double(count) * 1e6)) | "
                    + "\(String(format: "%.1f", perIndexed)) | \(String(format: "%.0f", perScanned)) | "
                    + "\(String(format: "%.0f", perScanned / perIndexed))× |")
        }
    }

    /// Seconds per round of what one reconciliation round reads: the root fingerprint, the root's
    /// children and `child`'s children, through `fingerprint` and `children`.
    static func secondsPerRound(
        _ rounds: Int, on store: MeshRecordStore, child: RangePrefix,
        fingerprint: (MeshRecordStore, RangePrefix) -> RangeFingerprint,
        children: (MeshRecordStore, RangePrefix) -> [RangeFingerprint]
    ) -> Double {
        var check: UInt64 = 0
        let elapsed = ContinuousClock().measure {
            for _ in 0..<rounds {
                check &+= fingerprint(store, .root).fingerprint
                check &+= UInt64(children(store, .root).count)
                check &+= UInt64(children(store, child).count)
            }
        }
        if check == 42 { print("") }  // keeps the work observable
        return TransportBench.seconds(elapsed) / Double(rounds)
    }
}

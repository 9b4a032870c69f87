import ArgumentParser
import Foundation
import HMNMesh
import HMNPrimitives

/// `hmn-bench mesh-digest`: what a precommit's shard digest costs a validator — the settled digest
/// of one shard computed for a new cutoff (once per height), then read from the cache (every later
/// round of the height, status reads) — and what a merge costs it: a record settled by the cutoff
/// invalidates it, a fresh one (newer than the cutoff, the usual write) does not.
struct MeshDigestBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mesh-digest", abstract: "Settled shard digest of the mesh record store: computed and cached.")

    @Option(parsing: .upToNextOption, help: "Records in the shard.")
    var records: [Int] = [1_000, 4_000, 10_000, 100_000]

    @Option(help: "Cutoffs computed per size (each one a cache miss).")
    var rounds = 20

    func run() throws {
        print(
            "| records | computed (new cutoff) µs | cached µs | settled merge, then read µs | fresh merge, then read µs |"
        )
        print("|---|---|---|---|---|")
        let author = try SigningKey(seed: [UInt8](repeating: 6, count: 32)).publicKey
        for count in records {
            var store = MeshRecordStore()
            for number in 0..<count {
                store.merge(
                    MemoryRecord(
                        id: Hash256.of(Array("digest-\(number)".utf8)), vector: [1, 0], author: author,
                        createdAtMilliseconds: UInt64(number)),
                    shard: 0)
            }
            let clock = ContinuousClock()
            var check: UInt8 = 0
            // A new cutoff per call: what the first precommit of each height pays.
            let computed = clock.measure {
                for round in 0..<rounds {
                    check ^= store.settledDigest(of: 0, cutoffMilliseconds: UInt64(count + round)).bytes[0]
                }
            }
            let cachedRounds = 100_000
            let cached = clock.measure {
                for _ in 0..<cachedRounds {
                    check ^= store.settledDigest(of: 0, cutoffMilliseconds: UInt64(count)).bytes[0]
                }
            }
            // A write between two rounds of a height invalidates the shard.
            let churn = clock.measure {
                for round in 0..<rounds {
                    store.merge(
                        MemoryRecord(
                            id: Hash256.of(Array("late-\(round)".utf8)), vector: [1, 0], author: author,
                            createdAtMilliseconds: 0),
                        shard: 0)
                    check ^= store.settledDigest(of: 0, cutoffMilliseconds: UInt64(count)).bytes[0]
                }
            }
            // A fresh write (newer than the cutoff) leaves the cached digest valid.
            let freshRounds = 1_000
            let fresh = clock.measure {
                for round in 0..<freshRounds {
                    store.merge(
                        MemoryRecord(
                            id: Hash256.of(Array("fresh-\(round)".utf8)), vector: [1, 0], author: author,
                            createdAtMilliseconds: UInt64(count) + 1),
                        shard: 0)
                    check ^= store.settledDigest(of: 0, cutoffMilliseconds: UInt64(count)).bytes[0]
                }
            }
            if check == 42 { print("") }  // keeps the work observable
            print(
                "| \(count) | \(Self.format(Self.seconds(computed) / Double(rounds) * 1e6)) | "
                    + "\(String(format: "%.3f", Self.seconds(cached) / Double(cachedRounds) * 1e6)) | "
                    + "\(Self.format(Self.seconds(churn) / Double(rounds) * 1e6)) | "
                    + "\(Self.format(Self.seconds(fresh) / Double(freshRounds) * 1e6)) |")
        }
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    }

    static func format(_ microseconds: Double) -> String {
        microseconds >= 100 ? String(format: "%.0f", microseconds) : String(format: "%.1f", microseconds)
    }
}

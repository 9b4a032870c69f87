import ArgumentParser
import Foundation
import HMNDevnet

extension ShardedMemoryBenchmark.Data: ExpressibleByArgument {}
extension ShardedMemoryBenchmark.Centroids: ExpressibleByArgument {}

/// `hmn-bench sharded-memory`: the sharded memory mesh on real `hmn start` processes: routed versus
/// all-shard recall, shards touched per query, and write → every replica. See ``ShardedMemoryBenchmark``.
struct ShardedMemoryBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sharded-memory",
        abstract: "N validator processes with a sharded memory mesh: routed recall, shards touched, write → replicas.")

    @Option(help: "The hmn executable (default: the one next to hmn-bench).")
    var hmn: String?

    @Option(help: "Working directory for the testnets.")
    var dir = "/tmp/hmn-bench-sharded"

    @Option(help: "First port.")
    var basePort = 28_000

    @Option(help: "Validator counts to run, comma-separated (one testnet each).")
    var validators = "4,16"

    @Option(help: "Shards (default: one per validator).")
    var shards: Int?

    @Option(help: "Replicas per shard.")
    var replication = 3

    @Option(help: "Records loaded before measuring.")
    var records = 5_000

    @Option(help: "Held-out queries (each asked routed and of every shard).")
    var queries = 200

    @Option(help: "Vector dimension.")
    var dimension = 64

    @Option(help: "Data: blobs (clustered) or lowrank (no clusters).")
    var data: ShardedMemoryBenchmark.Data = .blobs

    @Option(
        help: "Shard centroids: kmeans (trained on a sample, listed in genesis) or seeded (drawn from the chain id).")
    var centroids: ShardedMemoryBenchmark.Centroids = .kmeans

    @Option(help: "Writes timed to every replica.")
    var probeWrites = 100

    @Option(
        help:
            "Split shards above this many searches/s (genesis), and time a live split of the largest shard at the end.")
    var splitQps: Double?

    @Option(help: "Write the reports as JSON here.")
    var json: String?

    func run() async throws {
        let executable =
            hmn
            ?? URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("hmn")
            .path
        var reports: [ShardedMemoryBenchmark.Report] = []
        for (index, count) in validators.split(separator: ",").compactMap({ Int($0) }).enumerated() {
            var configuration = ShardedMemoryBenchmark.Configuration(
                executable: executable, directory: (dir as NSString).appendingPathComponent("n\(count)"))
            configuration.basePort = basePort + 100 * index
            configuration.validators = count
            configuration.shards = shards
            configuration.replication = replication
            configuration.records = records
            configuration.queries = queries
            configuration.dimension = dimension
            configuration.data = data
            configuration.centroids = centroids
            configuration.probeWrites = probeWrites
            configuration.splitQueriesPerSecond = splitQps
            let report = try await ShardedMemoryBenchmark(configuration).run { line in
                FileHandle.standardError.write(Data("[n=\(count)] \(line)\n".utf8))
            }
            reports.append(report)
            print(
                """
                N = \(report.validators), \(report.shards) shards × R \(report.replication), \(report.records) records (\(report.data.rawValue), \(report.centroids.rawValue) centroids), λ \(report.lambda.map { String(format: "%.2f", $0) } ?? "?")
                  load: \(Int(report.loadRecordsPerSecond)) records/s; per-node stores \(report.storeRecords)
                  recall@10 routed \(String(format: "%.3f", report.routedRecall)) touching \(String(format: "%.2f", report.routedShardsPerQuery)) of \(report.shards) shards (\(String(format: "%.2f", report.routedShardsPerQuery / Double(report.shards)))); all shards \(String(format: "%.3f", report.fanOutRecall))
                  search latency routed \(report.routedLatency); all shards \(report.fanOutLatency)
                  write → all replicas \(report.replication_.toAll); → each replica \(report.replication_.perReplica); not replicated \(report.replication_.notReplicated)
                """)
            if let split = report.split {
                print(
                    """
                      live split of shard \(split.shard) (\(split.shardRecords) records): \(split.hotSearches) searches at \(Int(split.hotSearchesPerSecond))/s on its first replica; committed on every node after \(Int(split.committedMilliseconds)) ms, records settled after \(Int(split.settledMilliseconds)) ms; \(split.shardsAfter) shards, \(split.movedRecords) records in the new one
                      after the split: recall@10 routed \(String(format: "%.3f", split.routedRecallAfter)) touching \(String(format: "%.2f", split.routedShardsPerQueryAfter)) shards; all shards \(String(format: "%.3f", split.fanOutRecallAfter))
                    """)
            }
        }
        if let json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(reports).write(to: URL(fileURLWithPath: json))
        }
    }
}

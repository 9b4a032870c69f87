import ArgumentParser

/// `hmn-bench`: benchmarks that print figures (never timed tests). Run in release:
/// `swift run -c release hmn-bench <name>`.
@main
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hmn-bench",
        abstract: "HMN benchmarks; figures go to Docs/PERFORMANCE.md.",
        subcommands: [
            LedgerBenchmark.self, VectorsCommand.self, VectorCrashWorkerCommand.self, TransportBench.self,
            ConsensusBench.self, MeshBench.self, MeshIndexBench.self, MeshDigestBench.self, NodeBench.self,
            FinalityBench.self, MilvusBench.self, ShardedMemoryBench.self,
        ]
    )
}

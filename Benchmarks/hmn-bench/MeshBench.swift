import ArgumentParser
import Foundation
import HMNMesh
import HMNPrimitives
import HMNSimulator
import Logging

/// `hmn-bench mesh`: memory-mesh figures from the seeded simulator for Docs/PERFORMANCE.md —
/// write-to-replica latency (p50, p99 = write to 99% of replicas), payload receptions per update,
/// and idle bandwidth at the slowest λ tier. Run in release: `swift run -c release hmn-bench mesh`.
struct MeshBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mesh", abstract: "Memory-mesh gossip in the simulator: latency, receptions, idle bandwidth.")

    @Option(parsing: .upToNextOption, help: "Network sizes.")
    var nodes: [Int] = [16, 64, 256]

    @Option(help: "Writes per run.")
    var writes = 300

    @Option(help: "Message loss rate.")
    var loss = 0.01

    @Option(help: "Vector dimension.")
    var dimension = 64

    @Option(help: "Seed.")
    var seed: UInt64 = 1

    func run() throws {
        var logger = Logger(label: "hmn.bench.mesh")
        logger.logLevel = .error
        print("memory mesh, simulated: \(writes) writes 5 ms apart, \(Int(loss * 100))% loss, one-way latency 1–20 ms")
        print("+ 0–5 ms jitter, R = 3, \(dimension)-dim vectors + 64 B payload, 10% critical (signed, verified)")
        print("")
        print(
            "| N | λ tier (tick) | write→replica p50 | p99 (99% of replicas) | write→all p99 | "
                + "receptions / replica / update | receptions / node / update | idle B/s/node (λ=1.0) | wall s |")
        print("|---|---|---|---|---|---|---|---|---|")
        for count in nodes {
            for lambda in [0.3, 0.6, 1.0] {
                let row = measure(nodes: count, lambda: lambda, logger: logger)
                print(row)
            }
        }
    }

    func measure(nodes count: Int, lambda: Double, logger: Logger) -> String {
        let clock = ContinuousClock()
        var line = ""
        let wall = clock.measure {
            var configuration = MeshSimulationConfiguration(nodeCount: count, seed: seed &+ UInt64(count))
            configuration.dimension = dimension
            configuration.shardCount = max(8, count / 4)
            configuration.lambda = FixedPoint(exactly: lambda)!
            configuration.lossRate = loss
            var sampleSource = LowRankVectors(dimension: dimension, intrinsicDimension: 8, seed: seed)
            let sim = MeshSimulation(configuration: configuration, sample: sampleSource.next(1_000), logger: logger)
            var vectors = LowRankVectors(dimension: dimension, intrinsicDimension: 8, seed: seed &+ 1)
            var picker = SeededGenerator(seed: seed &+ 2)
            var needed = 0
            for index in 0..<writes {
                let author = Int(picker.next() % UInt64(count))
                let importance = FixedPoint(raw: index % 10 == 0 ? 900_000 : 500_000)
                let record = sim.makeRecord(vector: vectors.next(), author: author, importance: importance)
                let replicas = sim.map.replicas(for: record.vector)?.replicas ?? []
                needed += replicas.filter { $0 != sim.key(author) }.count
                sim.write(record, at: author)
                sim.run(for: 5)
            }
            sim.run(for: 5_000)
            let latencies = sim.replicationLatencies()
            let receptions = sim.counters.payloadReceptions
            // Idle: no writes, the slowest tier, after convergence.
            sim.broadcast(.lambdaChanged(.one))
            sim.run(for: 1_000)
            sim.resetCounters()
            let idleSeconds: UInt64 = 10
            sim.run(for: idleSeconds * 1_000)
            let idle = Double(sim.counters.bytesSent) / Double(count) / Double(idleSeconds)
            let tick = configuration.gossip.paceMilliseconds(lambda: configuration.lambda)
            let incomplete = latencies.incomplete > 0 ? " (\(latencies.incomplete) incomplete)" : ""
            line =
                "| \(count) | λ=\(lambda) (\(tick) ms) | \((Percentile.nearestRank(latencies.perReplica, 0.5) ?? 0)) ms | "
                + "\((Percentile.nearestRank(latencies.perReplica, 0.99) ?? 0)) ms | "
                + "\((Percentile.nearestRank(latencies.toAllReplicas, 0.99) ?? 0)) ms\(incomplete) | "
                + String(format: "%.3f", Double(receptions) / Double(max(needed, 1))) + " | "
                + String(format: "%.4f", Double(receptions) / Double(count * writes)) + " | "
                + String(format: "%.0f", idle) + " |"
        }
        let seconds = Double(wall.components.seconds) + Double(wall.components.attoseconds) / 1e18
        return line + String(format: " %.1f |", seconds)
    }
}

import HMNMesh
import HMNPrimitives
import HMNSimulator
import Testing

/// Routing over the simulated mesh: shards trained on two clusters, and records placed so that a
/// query's optimal shard holds only poor matches while its true neighbours sit across the boundary.
@Suite("Mesh routing in the simulator")
struct MeshRoutingSimulationTests {
    @Test("Fallback raises recall when λ < 0.7; direct routing touches one shard when λ ≥ 0.7")
    func fallbackAndDirect() throws {
        var generator = SeededGenerator(seed: 121)
        func jitter() -> Float { Float(generator.next() % 1_000) / 20_000 }
        var sample: [[Float]] = []
        for index in 0..<200 {
            sample.append(
                index % 2 == 0 ? [1 + jitter(), jitter(), jitter(), 0] : [jitter(), 1 + jitter(), 0, jitter()])
        }
        var configuration = MeshSimulationConfiguration(nodeCount: 6, seed: 121)
        configuration.dimension = 4
        configuration.shardCount = 2
        let sim = MeshSimulation(configuration: configuration, sample: sample, logger: MeshTestSupport.logger())
        let query: [Float] = [0.72, 0.69, 0.05, 0]
        let optimal = try #require(sim.map.nearestShard(to: query))
        var neighbours: [Hash256] = []
        for index in 0..<10 {
            // True neighbours of the query, but nearer the other centroid.
            let near = sim.makeRecord(vector: [0.68, 0.72 + jitter(), 0.05, jitter()], author: index % 6)
            #expect(sim.map.nearestShard(to: near.vector) != optimal)
            neighbours.append(near.id)
            sim.write(near, at: index % 6)
            // Poor matches in the optimal shard.
            var far: [Float] = [0, 0, 0, 0.8]
            far[optimal == sim.map.nearestShard(to: [1, 0, 0, 0]) ? 0 : 1] = 1
            let poor = sim.makeRecord(vector: far, author: index % 6)
            #expect(sim.map.nearestShard(to: poor.vector) == optimal)
            sim.write(poor, at: index % 6)
            sim.run(for: 5)
        }
        sim.run(for: 1_000)
        #expect(sim.missingReplicaCount() == 0)
        func recall(_ result: RoutedResult) -> Double {
            Double(result.hits.prefix(5).filter { neighbours.contains($0.id) }.count) / 5
        }
        let turbulent = sim.query(query, k: 5, lambda: FixedPoint(raw: 400_000))
        let calm = sim.query(query, k: 5, lambda: FixedPoint(raw: 900_000))
        #expect(turbulent.servedBy.count == 2 && turbulent.servedBy.first == optimal)
        #expect(recall(turbulent) == 1)
        #expect(calm.servedBy == [optimal])
        #expect(recall(calm) == 0)
    }
}

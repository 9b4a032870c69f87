import Foundation
import HMNDevnet
import HMNNode
import HMNNodeHTTP
import HMNPrimitives
import Testing

/// Four `hmn start` processes on loopback, driven only through their HTTP APIs and signals: the
/// node's multi-process tests. Each test has its own chain, directory and ports.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct ClusterProcessTests {
    /// The `hmn` binary next to the test bundle (`swift build --build-tests` builds both), or
    /// `HMN_BINARY`.
    static var executable: String {
        if let path = ProcessInfo.processInfo.environment["HMN_BINARY"] { return path }
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let sibling = bundle.appendingPathComponent("hmn").path
        if FileManager.default.isExecutableFile(atPath: sibling) { return sibling }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(".build/debug/hmn").path
    }

    /// Ports unlikely to collide with another test run on the machine, and below Linux's ephemeral
    /// range (32768–60999): a port in it can be taken by any outgoing connection's local end, which
    /// once made a node fail to bind (CI, 2026-12-07, port 36276).
    static func basePort(_ slot: Int) -> Int { 21_000 + Int(getpid() % 240) * 40 + slot * 10 }

    static func makeCluster(_ slot: Int, validators: Int = 4, options: Testnet.Options = Testnet.Options()) throws
        -> LocalCluster
    {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("hmn-cluster-\(getpid())-\(slot)").path
        try? FileManager.default.removeItem(atPath: directory)
        return try LocalCluster.create(
            validators: validators, directory: directory, basePort: basePort(slot), executable: executable,
            options: options)
    }

    /// Runs `body` with a started cluster and always stops it (printing node logs when the body failed).
    static func withCluster(
        _ slot: Int, validators: Int = 4, options: Testnet.Options = Testnet.Options(),
        _ body: (LocalCluster) async throws -> Void
    ) async throws {
        try await run(try makeCluster(slot, validators: validators, options: options), body)
    }

    /// Starts `cluster`, runs `body` and always stops it (printing node logs when the body failed);
    /// removes its directory after a success.
    static func run(_ cluster: LocalCluster, _ body: (LocalCluster) async throws -> Void) async throws {
        try cluster.startAll()
        do {
            try await body(cluster)
        } catch {
            for node in cluster.nodes {
                let log = (try? String(contentsOfFile: node.logPath, encoding: .utf8)) ?? ""
                print(
                    "---- \(node.logPath) (last 40 lines)\n"
                        + log.split(separator: "\n").suffix(40).joined(separator: "\n"))
            }
            await cluster.stopAll(grace: .seconds(5))
            throw error
        }
        await cluster.stopAll(grace: .seconds(10))
        try? FileManager.default.removeItem(atPath: cluster.directory)
    }

    /// Block ids at heights 1…`through` on every node in `indices` must be identical (no fork).
    static func expectSameChain(_ cluster: LocalCluster, nodes indices: [Int], through height: UInt64) async throws {
        guard height >= 1 else { return }
        for h in 1...height {
            var ids: Set<String> = []
            for index in indices { ids.insert(try await cluster.clients[index].block(height: h).id) }
            #expect(ids.count == 1, "nodes \(indices) disagree at height \(h): \(ids)")
        }
    }

    @Test("a transfer submitted to one node is finalized and visible on all; a memory put on one is searchable on all")
    func transferAndMemoryReachEveryNode() async throws {
        try await Self.withCluster(0) { cluster in
            try await cluster.waitForHeight(1, timeout: .seconds(60))
            let load = DevnetLoad(cluster: cluster, seed: 1)
            let (id, recipient) = try await load.transfer(amount: 500, via: 0)
            try await cluster.wait(for: "the transfer on all nodes", timeout: .seconds(30)) {
                var seen = 0
                for client in cluster.clients where (try? await client.account(recipient))?.balance == 500 { seen += 1 }
                return seen == cluster.count
            }
            var blocks: Set<String> = []
            for client in cluster.clients {
                let record = try await client.transaction(id: id)
                #expect(record.proofValid)
                blocks.insert(record.blockId)
            }
            #expect(blocks.count == 1)

            let dimension = cluster.configurations[0].vectorDimension
            let memory = try await load.putMemory(dimension: dimension, via: 0, note: "hello mesh")
            try await cluster.wait(for: "the memory record on all nodes", timeout: .seconds(30)) {
                var found = 0
                for client in cluster.clients {
                    let answer = try? await client.searchMemory(MemorySearchRequest(vector: memory.vector, k: 1))
                    if answer?.hits.first?.record.id == memory.id.hex { found += 1 }
                }
                return found == cluster.count
            }
            // Every node serves it by id exactly as written (GET /v1/memory/{id}).
            for client in cluster.clients {
                #expect(try await client.memoryRecord(id: memory.id).vector == memory.vector)
            }
            let heights = await cluster.statuses().compactMap { $0?.height }
            try await Self.expectSameChain(cluster, nodes: [0, 1, 2, 3], through: heights.min() ?? 0)
        }
    }

    @Test(
        "kill -9 of one validator under load: the others keep finalizing, it catches up with the same hashes, nothing committed is lost"
    )
    func killNineUnderLoad() async throws {
        try await Self.withCluster(1) { cluster in
            try await cluster.waitForHeight(1, timeout: .seconds(60))
            let load = DevnetLoad(cluster: cluster, seed: 2)
            // Stopped by a flag, not by cancellation: cancelling a task blocked in URLSession's
            // `data(for:)` can deadlock or crash FoundationNetworking on Linux.
            let stop = CampaignStop()
            let traffic = Task {
                var round = 0
                while !stop.isSet {
                    _ = try? await load.transfer(amount: 1, via: round % 3)
                    round += 1
                    try? await Task.sleep(for: .milliseconds(50))
                }
            }
            try await Task.sleep(for: .seconds(2))
            cluster.nodes[3].send(SIGKILL)
            _ = await cluster.nodes[3].waitForExit(timeout: .seconds(5))
            let before = await cluster.statuses()[0]?.height ?? 0
            try await cluster.waitForHeight(before + 3, nodes: [0, 1, 2], timeout: .seconds(40))

            try cluster.nodes[3].start()
            let target = await cluster.statuses()[0]?.height ?? 0
            try await cluster.waitForHeight(target, nodes: [3], timeout: .seconds(60))
            stop.set()
            _ = await traffic.value

            // Every acknowledged transfer commits, and node 3 (killed and restarted) has each one in
            // the same block as node 0.
            let acknowledged = await load.acknowledged
            #expect(acknowledged.count >= 20)
            try await cluster.wait(for: "every acknowledged transfer to commit", timeout: .seconds(40)) {
                for id in acknowledged where (try? await cluster.clients[0].transaction(id: id)) == nil { return false }
                return true
            }
            let final = await cluster.statuses()[0]?.height ?? 0
            try await cluster.waitForHeight(final, timeout: .seconds(30))
            for id in acknowledged {
                let reference = try await cluster.clients[0].transaction(id: id)
                let restarted = try await cluster.clients[3].transaction(id: id)
                #expect(reference.blockId == restarted.blockId)
            }
            try await Self.expectSameChain(cluster, nodes: [0, 1, 2, 3], through: final)
        }
    }

    @Test("with 2 of 4 stopped there is no progress and no fork; restarted, progress resumes by itself")
    func stopTwoOfFour() async throws {
        try await Self.withCluster(2) { cluster in
            try await cluster.waitForHeight(2, timeout: .seconds(60))
            await cluster.nodes[2].stop(grace: .seconds(10))
            await cluster.nodes[3].stop(grace: .seconds(10))
            try await Task.sleep(for: .seconds(2))
            let stalled = await cluster.statuses()
            let h0 = try #require(stalled[0]?.height)
            let h1 = try #require(stalled[1]?.height)
            try await Task.sleep(for: .seconds(5))
            let later = await cluster.statuses()
            #expect(later[0]?.height == h0, "node0 advanced without a quorum")
            #expect(later[1]?.height == h1, "node1 advanced without a quorum")
            try await Self.expectSameChain(cluster, nodes: [0, 1], through: min(h0, h1))

            try cluster.nodes[2].start()
            try cluster.nodes[3].start()
            try await cluster.waitForHeight(max(h0, h1) + 2, timeout: .seconds(60))
            let heights = await cluster.statuses().compactMap { $0?.height }
            try await Self.expectSameChain(cluster, nodes: [0, 1, 2, 3], through: heights.min() ?? 0)
        }
    }
}

import Foundation
import HMNDevnet
import HMNNode
import HMNNodeHTTP
import HMNPrimitives
import Testing

/// Shard digests on real `hmn start` nodes (SPEC §3, §6): seven validators whose precommits carry
/// the settled digests of their memory replicas, driven only through HTTP.
extension ClusterProcessTests {
    /// Ports of their own (7 nodes need 14): below the 4-node clusters' range and below Linux's
    /// ephemeral ports (32768–60999), where an outgoing connection may already hold one.
    static func digestBasePort(_ slot: Int) -> Int { 10_000 + Int(getpid() % 250) * 40 + slot * 20 }

    static func makeDigestCluster(slot: Int, stakes: [UInt64], mesh: GenesisDocument.Mesh, faulty: Int?) throws
        -> LocalCluster
    {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("hmn-digests-\(getpid())-\(slot)").path
        try? FileManager.default.removeItem(atPath: directory)
        var options = Testnet.Options()
        options.stakes = stakes
        options.mesh = mesh
        let cluster = try LocalCluster.create(
            validators: stakes.count, directory: directory, basePort: digestBasePort(slot), executable: executable,
            options: options)
        if let faulty {
            // The fault is read at start: write it into the node's config.json first.
            let path = (cluster.nodes[faulty].home as NSString).appendingPathComponent("config.json")
            var configuration = try JSONDecoder().decode(
                NodeConfiguration.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
            configuration.faults = NodeFaults(memory: .corruptReplicas)
            try JSONEncoder().encode(configuration).write(to: URL(fileURLWithPath: path))
        }
        return cluster
    }

    /// Runs `body` on a started cluster and always stops it, printing node logs when the body failed.
    static func withDigestCluster(
        slot: Int, stakes: [UInt64], mesh: GenesisDocument.Mesh, faulty: Int?,
        _ body: (LocalCluster) async throws -> Void
    ) async throws {
        try await run(try makeDigestCluster(slot: slot, stakes: stakes, mesh: mesh, faulty: faulty), body)
    }

    /// Writes signed memory records through the HTTP API of `nodes`, round-robin, one every 150 ms,
    /// until `stop` is set.
    static func writeContinuously(
        _ cluster: LocalCluster, via nodes: [Int], stop: CampaignStop
    ) -> Task<Int, Never> {
        Task {
            let load = DevnetLoad(cluster: cluster, seed: 11)
            let dimension = cluster.configurations[0].vectorDimension
            var written = 0
            while !stop.isSet {
                if (try? await load.putMemory(
                    dimension: dimension, via: nodes[written % nodes.count], note: "m\(written)"))
                    != nil
                {
                    written += 1
                }
                try? await Task.sleep(for: .milliseconds(150))
            }
            return written
        }
    }

    /// Blocks 1…`height` from node `index`.
    static func blocks(_ cluster: LocalCluster, node index: Int = 0, through height: UInt64) async throws
        -> [BlockJSON]
    {
        var blocks: [BlockJSON] = []
        for h in 1...height { blocks.append(try await cluster.clients[index].block(height: h)) }
        return blocks
    }

    /// Ĉ of every height 1…`height` must be the same on every node: it is in the header they agreed on.
    static func expectSameCoherence(_ cluster: LocalCluster, through height: UInt64) async throws {
        let reference = try await blocks(cluster, through: height).map(\.header.coherence.ppm)
        for index in 1..<cluster.count {
            let other = try await blocks(cluster, node: index, through: height).map(\.header.coherence.ppm)
            #expect(other == reference, "node\(index) reports another Ĉ than node0")
        }
    }

    static func coherence(_ block: BlockJSON) -> Double { Double(block.header.coherence.ppm ?? 0) / 1e6 }

    /// Waits until every node is up and node 0's Ĉ is back to ≥ 0.99 (a validator that started late
    /// missed the first commits, which lowers Ĉ for a few heights whatever the digests say); returns
    /// the height then.
    static func waitUntilSettled(_ cluster: LocalCluster) async throws -> UInt64 {
        try await cluster.waitForHeight(3, timeout: .seconds(90))
        try await cluster.wait(for: "Ĉ ≥ 0.99 with every validator signing", timeout: .seconds(60)) {
            guard let status = try? await cluster.clients[0].status() else { return false }
            return Double(status.coherence.ppm ?? 0) / 1e6 >= 0.99
        }
        return await cluster.statuses().compactMap { $0?.height }.max() ?? 0
    }

    /// Node 6 holds 28,000 of 88,000 stake, the six others 10,000 each. With equal stakes one bad
    /// validator of seven could pull the instant coherence only to 6/7 ≈ 0.857, never below the
    /// emergency threshold; with these stakes its c_i = 0 gives C = 60/88 ≈ 0.68 < 0.7, while the
    /// honest validators still hold 68 % > 2/3 of the power, so the chain keeps finalizing. Ĉ then
    /// falls from 1 as `Ĉ_n = C + (1 − C)(1 − β)^n`: with β = 0.3 (the genesis default) it is below
    /// 0.7 after n = 9 heights of disagreement (Ĉ_8 ≈ 0.7002, Ĉ_9 ≈ 0.6946); the test computes the
    /// bound from the genesis β and the Ĉ the chain had when the disagreement began. At that first
    /// emergency the faulty Ψ is still 0.9^9 ≈ 0.39 > ψlow = 0.3, so only boosts happen; after
    /// the 5-height cooldown Ĉ is still below 0.7 (C ≈ 0.69 after the boosts) and the next
    /// emergency finds Ψ ≈ 0.9^15 ≈ 0.21 < 0.3 and slashes it.
    ///
    /// The memory has 3 shards, each on all 7 validators. With 3 replicas per shard the 28,000-stake
    /// node would outweigh its two 10,000-stake co-replicas, and the power-weighted majority digest
    /// of its shards (SPEC §3) would be its own corrupt one (THREAT_MODEL.md, Gaps); the control test
    /// below runs the sharded layout (7 shards × 3 replicas) with equal stakes.
    @Test(
        "a validator whose memory replica corrupts records: Ĉ falls below 0.7 within the β bound, an emergency height slashes exactly it, every node reports the same Ĉ"
    )
    func corruptReplicaIsSlashed() async throws {
        let started = ContinuousClock.now
        let faulty = 6
        let stakes: [UInt64] = [10_000, 10_000, 10_000, 10_000, 10_000, 10_000, 28_000]
        let mesh = GenesisDocument.Mesh(shards: 3, replicationFactor: 7)
        try await Self.withDigestCluster(slot: 0, stakes: stakes, mesh: mesh, faulty: faulty) { cluster in
            let keys = try cluster.nodes.indices.map { index in
                try NodeKeyFile.read(
                    (cluster.nodes[index].home as NSString).appendingPathComponent(
                        cluster.configurations[index].nodeKeyFile)
                ).publicKey
            }
            let faultyKey = keys[faulty].hex
            let beta = try NodeHome.load(cluster.nodes[0].home).genesisDocument.coherenceParameters().beta.doubleValue
            // Before any record exists the fault has nothing to act on: every replica holds the
            // empty set, the faulty one too, so all digests agree and Ĉ stays up.
            let settled = try await Self.waitUntilSettled(cluster)
            try await cluster.waitForHeight(settled + 3, timeout: .seconds(30))
            let quiet = try await Self.blocks(cluster, through: settled + 3).suffix(3)
            #expect(quiet.allSatisfy { Self.coherence($0) >= 0.99 }, "\(quiet.map(Self.coherence))")
            for block in quiet {
                let digests = try #require(block.lastCommit).signatures.map(\.digests)
                #expect(Set(digests).count == 1 && digests.allSatisfy { $0.count == 3 }, "height \(block.height)")
            }

            let stop = CampaignStop()
            let writer = Self.writeContinuously(cluster, via: Array(0..<faulty), stop: stop)
            do {
                try await cluster.wait(for: "the faulty validator to be slashed", timeout: .seconds(150)) {
                    ((try? await cluster.clients[0].account(keys[faulty]))?.stake ?? .max) < stakes[faulty]
                }
            } catch {
                stop.set()
                _ = await writer.value
                throw error
            }
            stop.set()
            let written = await writer.value
            let height = await cluster.statuses().compactMap { $0?.height }.min() ?? 0
            let blocks = try await Self.blocks(cluster, through: height)

            // The first height whose commit shows the faulty replica disagreeing with the honest majority
            // on every shard (c_i = 0; before its shards all hold settled records, it may disagree on
            // some only, and C is higher than the model below).
            func disagrees(_ block: BlockJSON) -> Bool {
                guard let signatures = block.lastCommit?.signatures,
                    let bad = signatures.first(where: { $0.validator == faultyKey })
                else { return false }
                let honest = signatures.filter { $0.validator != faultyKey }.map(\.digests)
                guard
                    let majority = Dictionary(grouping: honest, by: { $0 }).max(by: { $0.value.count < $1.value.count }
                    )?.key
                else { return false }
                let reference = Dictionary(uniqueKeysWithValues: majority.map { ($0.shard, $0.digest) })
                return !bad.digests.isEmpty && bad.digests.allSatisfy { reference[$0.shard] != $0.digest }
            }
            let firstDisagreement = try #require(blocks.first(where: disagrees)).height
            let firstLow = try #require(blocks.first { Self.coherence($0) < 0.7 }).height

            // The β bound, from the Ĉ before the disagreement and C = honest share of the stake.
            let honestShare = Double(stakes.reduce(0, +) - stakes[faulty]) / Double(stakes.reduce(0, +))
            var modelled = Self.coherence(blocks[Int(firstDisagreement) - 2])
            var bound: UInt64 = 0
            while modelled >= 0.7 {
                modelled = (1 - beta) * modelled + beta * honestShare
                bound += 1
            }
            #expect(firstLow <= firstDisagreement + bound - 1, "Ĉ fell below 0.7 later than β allows")

            // The height after is an emergency height: its block carries the Layer-2 actions.
            let withActions = blocks.filter { !$0.actions.isEmpty }
            #expect(withActions.first?.height == firstLow + 1, "no emergency block right after Ĉ < 0.7")
            let slashes = withActions.flatMap(\.actions).filter { $0.type == "slash" }
            #expect(!slashes.isEmpty)
            #expect(slashes.allSatisfy { $0.validator == faultyKey }, "an honest validator was slashed: \(slashes)")
            for (index, key) in keys.enumerated() {
                let stake = try await cluster.clients[0].account(key).stake
                if index == faulty {
                    #expect(stake < stakes[index])
                } else {
                    #expect(stake >= stakes[index], "node\(index) lost stake")
                }
            }
            try await Self.expectSameCoherence(cluster, through: height)

            let slashHeights = withActions.filter { block in block.actions.contains { $0.type == "slash" } }.map(
                \.height)
            print(
                "corrupt replica: \(written) records written; first disagreeing commit at height \(firstDisagreement), "
                    + "Ĉ < 0.7 at \(firstLow) (\(firstLow - firstDisagreement + 1) heights; β bound \(bound)), "
                    + "emergency blocks \(withActions.map { ($0.height, $0.actions.map(\.type)) }), "
                    + "slashes at \(slashHeights); "
                    + "Ĉ: \(blocks.map { String(format: "%.3f", Self.coherence($0)) }.joined(separator: " ")); "
                    + "\(ContinuousClock.now - started) in all")
        }
    }

    @Test(
        "control: seven honest validators, 7 shards × 3 replicas, agree on every shard at every height while records are written, and Ĉ stays ≥ 0.99"
    )
    func honestReplicasAgree() async throws {
        let started = ContinuousClock.now
        let mesh = GenesisDocument.Mesh(shards: 7, replicationFactor: 3)
        try await Self.withDigestCluster(slot: 1, stakes: Array(repeating: 10_000, count: 7), mesh: mesh, faulty: nil) {
            cluster in
            let from = try await Self.waitUntilSettled(cluster)
            // Which shards each validator hosts (the map is the same on every node).
            let map = try await cluster.clients[0].memoryShards()
            var hosted: [String: Set<UInt32>] = [:]
            for shard in map.shards { for replica in shard.replicas { hosted[replica, default: []].insert(shard.id) } }
            let stop = CampaignStop()
            let writer = Self.writeContinuously(cluster, via: Array(0..<7), stop: stop)
            // Long enough for writes to settle (2 s) and be measured over many heights.
            do {
                try await cluster.waitForHeight(from + 15, timeout: .seconds(90))
            } catch {
                stop.set()
                _ = await writer.value
                throw error
            }
            stop.set()
            let written = await writer.value
            let height = await cluster.statuses().compactMap { $0?.height }.min() ?? 0
            let blocks = try await Self.blocks(cluster, through: height).filter { $0.height >= from }
            #expect(written > 20)
            #expect(blocks.allSatisfy { Self.coherence($0) >= 0.99 }, "\(blocks.map(Self.coherence))")
            // Every precommit carried the digests of exactly its signer's shards, and the replicas of
            // each shard agreed.
            for block in blocks {
                let signatures = try #require(block.lastCommit).signatures
                var byShard: [UInt32: Set<String>] = [:]
                for signature in signatures {
                    #expect(
                        Set(signature.digests.map(\.shard)) == hosted[signature.validator] ?? [],
                        "height \(block.height)")
                    for digest in signature.digests { byShard[digest.shard, default: []].insert(digest.digest) }
                }
                #expect(
                    byShard.values.allSatisfy { $0.count == 1 }, "honest replicas disagree at height \(block.height)")
            }
            try await Self.expectSameCoherence(cluster, through: height)
            print(
                "honest replicas: \(written) records over heights \(from)…\(height), "
                    + "min Ĉ \(blocks.map(Self.coherence).min() ?? 0); \(ContinuousClock.now - started) in all")
        }
    }
}

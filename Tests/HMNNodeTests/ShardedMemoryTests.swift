import HMNLedger
import HMNMesh
@testable import HMNNode
import HMNPrimitives
import Testing

/// The memory mesh sharded across in-process nodes: each node stores only the shards the map gives
/// it, and any node finds any record, by id and by search, through the shards' replicas.
@Suite("FullNode, sharded memory", .serialized)
struct ShardedMemoryTests {
    static func options(shards: Int, replication: Int) -> Testnet.Options {
        var options = LocalTestnet.fastOptions
        options.mesh = GenesisDocument.Mesh(shards: shards, replicationFactor: replication)
        return options
    }

    /// Vectors spread over every direction (components of both signs), so they fall in every shard.
    static func records(_ count: Int, net: LocalTestnet) -> [MemoryRecord] {
        var generator = SeededGenerator(seed: 99)
        let chainID = net.homes[0].genesis.chainID
        return (0..<count).map { number in
            let author = net.homes[number % net.homes.count].signingKey
            let vector = (0..<8).map { _ in Float.random(in: -1...1, using: &generator) }
            return MemoryRecord(
                id: Hash256.of(Array("sharded-\(number)".utf8)), vector: vector, payload: Array("r\(number)".utf8),
                author: author.publicKey, createdAtMilliseconds: WallClock.nowMilliseconds(),
                importance: FixedPoint(ratio: 1, 2)
            ).signed(chainID: chainID, key: author)
        }
    }

    /// Waits until no node in `nodes` is handing anything off and each store holds exactly the
    /// `records` of the shards its node hosts (by the node's own map: placement follows Ψ, which
    /// may move while writes settle), `replicas` copies of each in all.
    static func waitForPlacement(_ what: String, nodes: [FullNode], records: [MemoryRecord], replicas: Int)
        async throws
    {
        try await LocalTestnet.eventually(what, within: 60) {
            var total = 0
            for node in nodes {
                guard let shards = await node.memoryShards(), shards.handingOff == 0,
                    let map = (node.memory.replicator as? MeshGossipReplicator)?.placement?.map
                else { return false }
                let hosted = Set(shards.shards.filter(\.hostedHere).map(\.id))
                let expected = records.filter { hosted.contains(map.nearestShard(to: $0.vector)!) }
                guard node.memory.store.count == expected.count,
                    expected.allSatisfy({ node.memory.store.record(id: $0.id) != nil })
                else { return false }
                total += node.memory.store.count
            }
            return total == records.count * replicas
        }
    }

    @Test(
        "4 nodes, 8 shards on 2 replicas each: every record is stored on exactly its 2 replicas and found from every node"
    )
    func shardedPlacementAndRouting() async throws {
        try await LocalTestnet.withTestnet(options: Self.options(shards: 8, replication: 2)) { net in
            try await net.waitForHeight(1)
            let records = Self.records(40, net: net)
            for (index, record) in records.enumerated() { _ = try await net.node(index % 4).putMemory(record) }

            // Every node agrees on the map; handoffs of writes to other shards finish.
            let maps = try await net.running.asyncMap { try #require(await $0.memoryShards()) }
            #expect(Set(maps.map { $0.shards.map(\.replicas) }).count == 1, "nodes disagree on placement")
            #expect(maps[0].shards.count == 8 && maps[0].shards.allSatisfy { $0.replicas.count == 2 })
            try await Self.waitForPlacement(
                "every write reaches its replicas and leaves its writer", nodes: net.running, records: records,
                replicas: 2)
            // Each store holds exactly the records of the shards its node hosts (the shard of a record
            // is its nearest centroid, from the genesis layout).
            let layout = try net.homes[0].genesisDocument.meshLayout(dimension: 8)
            let map = try layout.map(
                validators: net.homes.map { ValidatorStatus(key: $0.signingKey.publicKey, power: 1, psi: .one) },
                dimension: 8, base: nil)
            for (index, node) in net.running.enumerated() {
                let shards = try #require(await node.memoryShards())
                let hosted = Set(shards.shards.filter(\.hostedHere).map(\.id))
                let expected = records.filter { hosted.contains(map.nearestShard(to: $0.vector)!) }
                #expect(node.memory.store.count == expected.count, "node \(index) holds other shards' records")
                #expect(node.memory.store.count < records.count)
                #expect(shards.shards.filter(\.hostedHere).map(\.records).reduce(0, +) == expected.count)
            }
            // Any node finds any record by id and by a routed search (every replica has it by now).
            for node in net.running {
                for record in records.prefix(12) {
                    #expect(try await node.memoryRecord(id: record.id) == record)
                    let answer = try await node.searchMemory(MemorySearchQuery(vector: record.vector, k: 1))
                    #expect(answer.hits.first?.record.id == record.id)
                    #expect(
                        answer.routing == "direct" && answer.servedShards.first == map.nearestShard(to: record.vector))
                    #expect(
                        answer.servedShards.count <= 3 && answer.totalShards == 8 && answer.unavailableShards.isEmpty)
                }
            }
            // Each routed search was served by one node per shard it touched; the nodes count them.
            var served: UInt64 = 0
            for node in net.running { served += node.memory.servedQueriesByShard.values.reduce(0, +) }
            #expect(served >= 48, "48 routed searches, \(served) shard searches served")
            let all = try await net.node(0).searchMemory(
                MemorySearchQuery(vector: records[3].vector, k: 40, allShards: true))
            #expect(
                all.routing == "all" && all.servedShards.count == 8
                    && Set(all.hits.map(\.record.id)) == Set(records.map(\.id)))
            #expect(try await net.node(1).memoryRecord(id: Hash256.of([1, 2, 3])) == nil)
        }
    }

    @Test(
        "a replica that is down: its shards are still served by the other replica; writes to it wait and land when it returns"
    )
    func replicaDown() async throws {
        try await LocalTestnet.withTestnet(options: Self.options(shards: 8, replication: 2)) { net in
            try await net.waitForHeight(1)
            let records = Self.records(24, net: net)
            await net.stop(3)
            for (index, record) in records.enumerated() { _ = try await net.node(index % 3).putMemory(record) }
            // Node 3's shards are served by their other replica (or the writer, until it hands off).
            try await LocalTestnet.eventually("every record is found from node 0 while node 3 is down", within: 30) {
                for record in records {
                    let answer = try? await net.node(0).searchMemory(MemorySearchQuery(vector: record.vector, k: 1))
                    guard answer?.hits.first?.record.id == record.id else { return false }
                }
                return true
            }
            // A read by id that no validator can answer for says so: with node 3 silent, an unknown
            // id is "unavailable" (503), not "not found" (404), which only a full set of answers proves.
            do {
                _ = try await net.node(0).memoryRecord(id: Hash256.of([9, 9, 9]))
                Issue.record("an unknown id was answered while a validator is down")
            } catch {
                #expect((error as? NodeError)?.code == .unavailable, "\(error)")
            }
            try net.start(3)
            try await Self.waitForPlacement(
                "node 3 gets its shards' records and writers drop theirs", nodes: net.running, records: records,
                replicas: 2)
            for record in records { #expect(try await net.node(3).memoryRecord(id: record.id) == record) }
        }
    }

    @Test(
        "a validator that unbonds everything leaves the map: its shards move to the others and it keeps nothing, yet still finds every record"
    )
    func validatorLeavesAndShardsMove() async throws {
        try await LocalTestnet.withTestnet(options: Self.options(shards: 8, replication: 2)) { net in
            try await net.waitForHeight(1)
            let records = Self.records(40, net: net)
            for (index, record) in records.enumerated() { _ = try await net.node(index % 4).putMemory(record) }
            let leaver = net.homes[3].signingKey
            let before = try #require(await net.node(3).memoryShards())
            let hostedBefore = before.shards.filter(\.hostedHere).count
            #expect(hostedBefore > 0, "node 3 should host a shard before it leaves")

            let account = try #require(try await net.node(0).account(leaver.publicKey))
            let unbond = SignedTransaction.make(
                chainID: net.homes[0].genesis.chainID, key: leaver, nonce: account.nonce,
                body: .unbond(amount: account.stake))
            _ = try await net.node(0).submitTransaction(unbond.canonicalBytes)
            try await LocalTestnet.eventually("node 3 hands its shards over and holds nothing", within: 60) {
                guard let shards = await net.node(3).memoryShards() else { return false }
                return !shards.shards.contains(where: \.hostedHere) && shards.storeRecords == 0
                    && shards.shards.allSatisfy { !$0.replicas.contains(leaver.publicKey) }
            }
            try await Self.waitForPlacement(
                "the three validators hold every record twice", nodes: (0..<3).map { net.node($0) }, records: records,
                replicas: 2)
            for node in net.running {
                for record in records {
                    #expect(try await node.memoryRecord(id: record.id) == record)
                    let answer = try await node.searchMemory(MemorySearchQuery(vector: record.vector, k: 1))
                    #expect(answer.hits.first?.record.id == record.id)
                }
            }
        }
    }

    @Test(
        "a node that does not host a record's shard checks a write against a replica: a stale version or another author's overwrite is refused there, a real new version lands"
    )
    func writesCheckedOnAReplica() async throws {
        try await LocalTestnet.withTestnet(options: Self.options(shards: 8, replication: 2)) { net in
            try await net.waitForHeight(1)
            let original = Self.records(1, net: net)[0]
            _ = try await net.node(0).putMemory(original)
            try await Self.waitForPlacement(
                "the record on its replicas", nodes: net.running, records: [original], replicas: 2)
            // A node that does not host the record's shard.
            var outsider: FullNode?
            for node in net.running where node.memory.store.record(id: original.id) == nil { outsider = node }
            let node = try #require(outsider)
            let author = net.homes.first { $0.signingKey.publicKey == original.author }!.signingKey
            let chainID = net.homes[0].genesis.chainID

            await #expect(throws: NodeError.self, "an equal version") { _ = try await node.putMemory(original) }
            let impostor = net.homes.first { $0.signingKey.publicKey != original.author }!.signingKey
            var forged = original
            forged.author = impostor.publicKey
            forged.version = 5
            forged = forged.signed(chainID: chainID, key: impostor)
            do {
                _ = try await node.putMemory(forged)
                Issue.record("another author's overwrite was taken")
            } catch let error as NodeError {
                #expect(error.code == .rejected, "\(error)")
            }
            var newer = original
            newer.version = 2
            newer.payload = Array("second version".utf8)
            newer = newer.signed(chainID: chainID, key: author)
            _ = try await node.putMemory(newer)
            try await LocalTestnet.eventually("version 2 on every node that asks", within: 30) {
                for reader in net.running where (try? await reader.memoryRecord(id: original.id))?.version != 2 {
                    return false
                }
                return true
            }
            // No replica refused anything from the outsider: it relayed no forgery.
            for replica in net.running {
                #expect((replica.memory.replicator as? MeshGossipReplicator)?.counters.rejected == 0)
            }
        }
    }
}

extension Array {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var result: [T] = []
        for element in self { result.append(try await transform(element)) }
        return result
    }
}

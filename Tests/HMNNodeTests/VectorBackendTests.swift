import Foundation
import HMNMesh
import HMNMilvus
import HMNNode
import HMNPrimitives
import HMNTransport
import Testing

@Suite("Vector backend selection (config.json vectorBackend)")
struct VectorBackendTests {
    @Test("Absent means embedded; the milvus form decodes, round-trips and is validated; an unknown kind is refused")
    func decoding() throws {
        let plain = try JSONDecoder().decode(NodeConfiguration.self, from: Data(#"{"chainID": "c"}"#.utf8))
        #expect(plain.vectorBackend == .embedded)

        let json = #"""
            {"chainID": "c", "vectorBackend": {"kind": "milvus", "url": "http://milvus:19530",
             "collection": "hmn_node0", "visibilityTimeoutSeconds": 30}}
            """#
        let configuration = try JSONDecoder().decode(NodeConfiguration.self, from: Data(json.utf8))
        var want = MilvusConnection(url: "http://milvus:19530", collection: "hmn_node0")
        want.visibilityTimeoutSeconds = 30
        #expect(configuration.vectorBackend == .milvus(want))
        let again = try JSONDecoder().decode(NodeConfiguration.self, from: JSONEncoder().encode(configuration))
        #expect(again == configuration)
        try configuration.validate()

        var bad = configuration
        bad.vectorBackend = .milvus(MilvusConnection(url: "milvus:19530", collection: "hmn_node0"))
        #expect(throws: NodeConfigurationError.self) { try bad.validate() }
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(
                NodeConfiguration.self, from: Data(#"{"chainID": "c", "vectorBackend": {"kind": "faiss"}}"#.utf8))
        }
    }

    @Test("A node whose Milvus is down refuses to open with NodeError.unavailable naming the server")
    func milvusDown() async throws {
        let home = try Self.home(backend: ["kind": "milvus", "url": "http://127.0.0.1:9", "collection": "hmn_down"])
        do {
            _ = try await Self.open(home)
            Issue.record("a node opened on an unreachable Milvus")
        } catch let error as NodeError {
            #expect(error.code == .unavailable)
            #expect(error.message.contains("127.0.0.1:9"))
        }
    }

    @Test(
        "A node on a real Milvus stores, finds and reads back a memory record",
        .enabled(if: ProcessInfo.processInfo.environment["HMN_MILVUS_URL"] != nil, "HMN_MILVUS_URL is not set"))
    func nodeOnMilvus() async throws {
        let url = try #require(ProcessInfo.processInfo.environment["HMN_MILVUS_URL"])
        let collection = "hmn_node_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased())"
        let home = try Self.home(backend: ["kind": "milvus", "url": url, "collection": collection])
        let node = try await Self.open(home)
        let author = try SigningKey(seed: [UInt8](repeating: 5, count: 32))
        let vector = (0..<home.configuration.vectorDimension).map { Float($0 % 7) - 3 }
        let record = MemoryRecord(
            id: Hash256.of(Array("node-on-milvus".utf8)), vector: vector, payload: Array("hello".utf8),
            author: author.publicKey, createdAtMilliseconds: 1_000
        ).signed(chainID: home.genesis.chainID, key: author)
        _ = try await node.putMemory(record)
        #expect(try await node.memoryRecord(id: record.id) == record)
        let found = try await node.searchMemory(MemorySearchQuery(vector: vector, k: 1))
        #expect(found.hits.first?.record.id == record.id)
        let wrong = MemoryRecord(id: Hash256.of([1]), vector: [1, 2], author: author.publicKey)
            .signed(chainID: home.genesis.chainID, key: author)
        await #expect(throws: NodeError.self) { _ = try await node.putMemory(wrong) }
    }

    /// A one-validator home whose config.json has `vectorBackend` set to `backend`.
    static func home(backend: [String: String]) throws -> NodeHome {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "hmn-backend-\(UUID().uuidString)"
        )
        .path
        var options = Testnet.Options()
        options.vectorDimension = 8
        let layout = try Testnet.initialize(validators: 1, directory: directory, basePort: 31_400, options: options)
        let path = "\(layout.homes[0])/\(NodeHome.configurationFile)"
        var json = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
        json["vectorBackend"] = backend
        try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: path))
        return try NodeHome.load(layout.homes[0])
    }

    static func open(_ home: NodeHome) async throws -> FullNode {
        let transport = try await InMemoryNetwork().join(home.signingKey.publicKey)
        return try FullNode.open(home: home, transport: transport, logger: LocalTestnet.quiet)
    }
}

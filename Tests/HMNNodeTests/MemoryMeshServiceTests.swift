import HMNCoherence
import HMNMesh
import HMNNode
import HMNPrimitives
import Synchronization
import Testing

/// Records what a service sends instead of sending it.
final class RecordingMessenger: PeerMessenger {
    let sent = Mutex<[NodeMessage]>([])
    func broadcast(_ message: NodeMessage, excluding: PublicKey?) async { sent.withLock { $0.append(message) } }
    func send(_ message: NodeMessage, to peer: PublicKey) async { sent.withLock { $0.append(message) } }
}

/// A proof sink that accepts every proof (or refuses, to test the failure path).
struct StubProofSink: Layer1ProofSink {
    var refuse = false
    func commit(_ proof: MemoryProof) async throws(NodeError) -> Hash256 {
        if refuse { throw NodeError(.overloaded, "mempool full") }
        return proof.proofID
    }
}

@Suite("MemoryMeshService")
struct MemoryMeshServiceTests {
    static let chainID = "hmn-mesh-test"
    static let author = SigningKey.derived(from: "mesh-author")

    func service(sink: StubProofSink = StubProofSink()) throws -> MemoryMeshService {
        let store = try VectorStore(
            path: ":memory:",
            configuration: VectorStoreConfiguration(dimension: 3, durable: false, chainID: Self.chainID),
            logger: LocalTestnet.quiet)
        return MemoryMeshService(
            store: store, replicator: PushToAllReplicator(), proofSink: sink, chainID: Self.chainID,
            nowMilliseconds: { 1_000 }, logger: LocalTestnet.quiet)
    }

    func record(_ label: String, version: UInt64 = 1, importance: FixedPoint = FixedPoint(ratio: 1, 2)) -> MemoryRecord
    {
        MemoryRecord(
            id: Hash256.of(Array(label.utf8)), vector: [1, 0.5, 0.25], author: Self.author.publicKey, version: version,
            createdAtMilliseconds: 1_000, importance: importance
        ).signed(chainID: Self.chainID, key: Self.author)
    }

    /// `record` signed again by the author after a test changed it.
    func resigned(_ record: MemoryRecord) -> MemoryRecord { record.signed(chainID: Self.chainID, key: Self.author) }

    @Test("a put is stored and pushed once; a peer's copy is upserted idempotently and newer versions win")
    func replication() async throws {
        let mesh = try service()
        let messenger = RecordingMessenger()
        let first = record("a")
        let result = try await mesh.put(first, messenger: messenger)
        #expect(result == MemoryPutResult(id: first.id, proofSubmitted: false, proofTransactionID: nil))
        #expect(messenger.sent.withLock { $0 } == [.memoryRecord(first)])

        let peer = SigningKey.derived(from: "peer").publicKey
        await mesh.receive(first, from: peer, messenger: messenger)
        await mesh.receive(first, from: peer, messenger: messenger)
        #expect(mesh.store.count == 1)
        var newer = first
        newer.version = 2
        newer.payload = [42]
        newer = resigned(newer)
        await mesh.receive(newer, from: peer, messenger: messenger)
        #expect(mesh.store.record(id: first.id)?.payload == [42])
        await mesh.receive(first, from: peer, messenger: messenger)
        #expect(mesh.store.record(id: first.id)?.version == 2, "an older copy never overwrites a newer one")
        #expect(messenger.sent.withLock { $0.count } == 1, "receiving relays nothing with the push replicator")
    }

    @Test("a critical record's proof goes to the sink; a bad proof or a bad vector changes nothing")
    func proofs() async throws {
        let mesh = try service()
        let messenger = RecordingMessenger()
        var critical = record("critical", importance: .one)
        critical.proof = MemoryProof(
            record: critical, rphv: FixedPoint(ratio: 9, 10), timestampMilliseconds: 1_000, chainID: Self.chainID,
            key: Self.author)
        critical = resigned(critical)
        let result = try await mesh.put(critical, messenger: messenger)
        #expect(result.proofSubmitted)
        #expect(result.proofTransactionID == critical.proof?.proofID)
        #expect(mesh.proof(of: critical.id)?.transactionID == critical.proof?.proofID)

        var forged = record("forged", importance: .one)
        forged.proof = MemoryProof(
            record: forged, rphv: FixedPoint(ratio: 9, 10), timestampMilliseconds: 1_000, chainID: "other-chain",
            key: Self.author)
        await #expect(throws: NodeError(.badSignature, "proof signature does not verify for record \(forged.id.short)"))
        {
            try await mesh.put(forged, messenger: messenger)
        }
        var wrongDimension = record("short")
        wrongDimension.vector = [1]
        wrongDimension = resigned(wrongDimension)
        do {
            _ = try await mesh.put(wrongDimension, messenger: messenger)
            Issue.record("a 1-dimensional vector was stored")
        } catch {
            #expect(error.code == .invalidVector)
        }
        #expect(mesh.store.count == 1)
        #expect(messenger.sent.withLock { $0.count } == 1)
        await #expect(throws: NodeError.self) { try await mesh.put(critical, messenger: messenger) }

        // A sink that refuses (e.g. a full mempool): the record is neither stored nor pushed.
        let refusing = try service(sink: StubProofSink(refuse: true))
        let silent = RecordingMessenger()
        await #expect(throws: NodeError(.overloaded, "mempool full")) {
            try await refusing.put(critical, messenger: silent)
        }
        #expect(refusing.store.count == 0)
        #expect(silent.sent.withLock { $0.isEmpty })
    }

    @Test(
        "a record without its author's signature, signed by another key, or overwriting another author's record is refused"
    )
    func authorSignatures() async throws {
        let mesh = try service()
        let messenger = RecordingMessenger()
        var unsigned = record("unsigned")
        unsigned.signature = nil
        let impostor = SigningKey.derived(from: "impostor")
        var stolen = record("stolen")
        stolen.signature = impostor.sign(stolen.signBytes(chainID: Self.chainID))
        let otherChain = record("other chain").signed(chainID: "another-chain", key: Self.author)
        for bad in [unsigned, stolen, otherChain] {
            do {
                _ = try await mesh.put(bad, messenger: messenger)
                Issue.record("\(bad.id.short) was stored")
            } catch {
                #expect(error.code == .badSignature, "\(error)")
            }
        }
        let original = try await mesh.put(record("owned"), messenger: messenger)
        let overwrite = MemoryRecord(
            id: original.id, vector: [0.5, 0.5, 0.5], author: impostor.publicKey, version: 7
        ).signed(chainID: Self.chainID, key: impostor)
        await #expect(throws: NodeError.self) { try await mesh.put(overwrite, messenger: messenger) }
        // The same forgery pushed by a peer is dropped too.
        await mesh.receive(overwrite, from: impostor.publicKey, messenger: messenger)
        #expect(mesh.store.record(id: original.id)?.author == Self.author.publicKey)
        #expect(mesh.store.count == 1)
    }

    @Test("search filters by author and reports the routing mode λ selects")
    func search() async throws {
        let mesh = try service()
        let messenger = RecordingMessenger()
        _ = try await mesh.put(record("x"), messenger: messenger)
        let hit = try await mesh.search(
            MemorySearchQuery(vector: [1, 0.5, 0.25], k: 5), lambda: .one, parameters: .standard, messenger: messenger)
        #expect(hit.hits.count == 1 && hit.routing == "direct")
        let low = try await mesh.search(
            MemorySearchQuery(vector: [1, 0.5, 0.25], k: 5, author: SigningKey.derived(from: "nobody").publicKey),
            lambda: FixedPoint(ratio: 1, 2), parameters: .standard, messenger: messenger)
        #expect(low.hits.isEmpty && low.routing == "fallback")
        await #expect(throws: NodeError.self) {
            try await mesh.search(
                MemorySearchQuery(vector: [1, 0.5, 0.25], k: 0), lambda: .one, parameters: .standard,
                messenger: messenger)
        }
    }
}

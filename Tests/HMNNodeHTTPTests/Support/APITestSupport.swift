import Foundation
import HMNLedger
import HMNNode
import HMNNodeHTTP
import HMNPrimitives
import Hummingbird
import Logging
import Testing

/// Builds an app over a fresh ``FakeNode`` with a private metrics registry (never the process-wide
/// `MetricsSystem`), and helpers to send JSON and read answers.
struct APIHarness {
    let node: FakeNode
    let metrics: PrometheusMetrics
    let configuration: NodeHTTPConfiguration

    init(maxBodyBytes: Int = 64 * 1024) throws {
        node = try FakeNode()
        metrics = PrometheusMetrics()
        configuration = NodeHTTPConfiguration(port: 0, maxBodyBytes: maxBodyBytes, maxSearchK: 100)
    }

    var application: NodeHTTPServer.App {
        NodeHTTPServer.makeApplication(
            node: node, configuration: configuration, metrics: metrics, logger: FakeNode.quiet)
    }

    func run<Value: Sendable>(
        _ setup: TestingSetup = .router, _ test: @Sendable (any TestClientProtocol) async throws -> Value
    ) async throws -> Value {
        let router = NodeHTTPServer.makeRouter(node: node, configuration: configuration, metrics: metrics)
        return try await withLiveServer(router: router, logger: FakeNode.quiet, test)
    }
}

extension TestClientProtocol {
    func get(_ uri: String) async throws -> TestResponse {
        try await execute(uri: uri, method: .get)
    }

    func post(_ uri: String, json: String) async throws -> TestResponse {
        try await execute(
            uri: uri, method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: json))
    }

    func post(_ uri: String, _ value: some Encodable) async throws -> TestResponse {
        let data = try JSONEncoder().encode(value)
        return try await post(uri, json: String(decoding: data, as: UTF8.self))
    }
}

extension TestResponse {
    func decode<T: Decodable>(_ type: T.Type = T.self) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(body.readableBytesView))
    }

    var text: String { String(buffer: body) }

    /// The JSON error body; fails the test if the answer is not one.
    func errorDetail(sourceLocation: SourceLocation = #_sourceLocation) throws -> ErrorBody.Detail {
        let body = try #require(
            try? decode(ErrorBody.self), "not an error body: \(text)", sourceLocation: sourceLocation)
        return body.error
    }
}

enum Fixtures {
    /// A transfer of `amount` from user `from` to user `to`, signed with the user's key.
    static func transfer(
        from: Int = 0, to: Int = 1, amount: UInt64 = 25, nonce: UInt64 = 0, chainID: String = FakeNode.chainID
    ) -> SignedTransaction {
        SignedTransaction.make(
            chainID: chainID, key: FakeNode.userKeys[from], nonce: nonce,
            body: .transfer(recipient: FakeNode.userKeys[to].publicKey, amount: amount))
    }

    /// `transaction` with one bit of its signature flipped.
    static func tampered(_ transaction: SignedTransaction) throws -> SignedTransaction {
        var bytes = transaction.signature.bytes
        bytes[5] ^= 0x01
        return SignedTransaction(transaction: transaction.transaction, signature: try Signature(bytes: bytes))
    }

    static func record(
        seed: UInt8, vector: [Float], author: Int = 0, importance: Int64 = 300_000, payload: String = "memory"
    ) -> MemoryRecordJSON {
        MemoryRecordJSON(
            id: Hash256.of([seed]).hex, vector: vector, payload: Data(payload.utf8).base64EncodedString(),
            author: FakeNode.userKeys[author].publicKey.hex, version: 1, createdAtMilliseconds: 1_700_000_000_000,
            importance: FixedPointJSON(ppm: importance, value: nil))
    }
}

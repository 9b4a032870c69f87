import HMNNodeHTTP
import HMNPrimitives
import Hummingbird
import NIOCore
import Testing

@testable import HMNNodeHTTP

@Suite("Request body limit")
struct BodyLimitTests {
    @Test(
        "a body above the limit is refused with 413 and changes nothing", arguments: ["/v1/transactions", "/v1/memory"])
    func oversize(_ uri: String) async throws {
        let harness = try APIHarness(maxBodyBytes: 4_096)
        let before = await harness.node.snapshot()
        let big = #"{"tx": "\#(String(repeating: "ab", count: 4_096))"}"#
        try await harness.run { client in
            let response = try await client.post(uri, json: big)
            #expect(response.status == .contentTooLarge)
            let detail = try response.errorDetail()
            #expect(detail.code == "payloadTooLarge")
            #expect(detail.message.contains("4096"))
            // Just under the limit still gets through to validation.
            let small = try await client.post(uri, json: #"{"tx": 1}"#)
            #expect(small.status == .badRequest)
        }
        #expect(await harness.node.snapshot() == before)
    }

    /// Counts the chunks a streamed body hands out, to show reading stops at the limit.
    final class ChunkCounter: @unchecked Sendable {
        var served = 0
    }

    @Test("a streamed body without Content-Length stops being read just past the limit")
    func streamedBodyStopsEarly() async throws {
        let counter = ChunkCounter()
        let chunk = ByteBuffer(repeating: UInt8(ascii: "a"), count: 1_024)
        let stream = AsyncStream<ByteBuffer> { continuation in
            // 1,000 chunks = 1 MB offered; the limit is 4 KB.
            for _ in 0..<1_000 { continuation.yield(chunk) }
            continuation.finish()
        }
        let counted = stream.map { buffer -> ByteBuffer in
            counter.served += 1
            return buffer
        }
        let request = Request(
            head: HTTPRequest(method: .post, scheme: "http", authority: "localhost", path: "/v1/memory"),
            body: RequestBody(asyncSequence: counted))
        do {
            _ = try await JSONBody.collect(request, limit: 4_096)
            Issue.record("an oversize streamed body was accepted")
        } catch {
            #expect(error.code == .payloadTooLarge)
        }
        #expect(counter.served <= 10, "read \(counter.served) chunks of 1 KB for a 4 KB limit")
    }

    @Test("a declared Content-Length above the limit is refused before reading")
    func declaredLengthRefused() async throws {
        let counter = ChunkCounter()
        let stream = AsyncStream<ByteBuffer> { continuation in
            continuation.yield(ByteBuffer(string: "{}"))
            continuation.finish()
        }.map { buffer -> ByteBuffer in
            counter.served += 1
            return buffer
        }
        var head = HTTPRequest(method: .post, scheme: "http", authority: "localhost", path: "/v1/memory")
        head.headerFields[.contentLength] = "1000000"
        let request = Request(head: head, body: RequestBody(asyncSequence: stream))
        do {
            _ = try await JSONBody.collect(request, limit: 4_096)
            Issue.record("an oversize declared body was read")
        } catch {
            #expect(error.code == .payloadTooLarge)
        }
        #expect(counter.served == 0)
    }
}

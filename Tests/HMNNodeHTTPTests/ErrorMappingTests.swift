import HMNNode
import HMNNodeHTTP
import HMNPrimitives
import Hummingbird
import Testing

@Suite("NodeError codes map to HTTP statuses")
struct ErrorMappingTests {
    static let mapping: [(NodeError.Code, Int)] = [
        (.malformed, 400), (.badSignature, 400), (.wrongChain, 400), (.invalidVector, 400), (.rejected, 422),
        (.overloaded, 429), (.unavailable, 503), (.internalError, 500), (.corruptStorage, 500),
    ]

    @Test("every node error code reaches the client with its status, code and message", arguments: mapping)
    func mapped(_ code: NodeError.Code, _ status: Int) async throws {
        let harness = try APIHarness()
        await harness.node.failEveryCall(with: NodeError(code, "injected \(code.rawValue)"))
        try await harness.run { client in
            let requests: [(String, String?)] = [
                ("/v1/transactions", #"{"tx": "\#(Hex.encode(Fixtures.transfer().canonicalBytes))"}"#),
                ("/v1/memory/search", #"{"vector": [1, 0, 0, 0], "k": 1}"#),
                ("/v1/accounts/\(FakeNode.userKeys[0].publicKey.hex)", nil),
            ]
            for (uri, body) in requests {
                let response = try await client.execute(
                    uri: uri, method: body == nil ? .get : .post, body: body.map { ByteBuffer(string: $0) })
                #expect(Int(response.status.code) == status, "\(uri)")
                let detail = try response.errorDetail()
                #expect(detail.code == code.rawValue)
                #expect(detail.message == "injected \(code.rawValue)")
                if status == 429 || status == 503 { #expect(response.headers[.retryAfter] == "1") }
            }
        }
    }

    @Test("every API error code has a 4xx or 5xx status, and only node-side faults are 5xx")
    func statusesAreErrors() {
        for code in APIError.Code.allCases {
            let status = Int(code.status.code)
            #expect((400..<600).contains(status), "\(code)")
            #expect((status >= 500) == [.unavailable, .internalError, .corruptStorage].contains(code), "\(code)")
        }
    }
}

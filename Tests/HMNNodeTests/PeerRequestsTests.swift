import HMNPrimitives
import Testing

@testable import HMNNode

@Suite("PeerRequests: answers match questions by id and peer; silence times out")
struct PeerRequestsTests {
    static let peers = (0..<2).map { SigningKey.derived(from: "peer-request-\($0)").publicKey }

    @Test("an answer settles its question only from the peer asked; a silent peer costs one timeout")
    func matching() async throws {
        let requests = PeerRequests(timeout: .milliseconds(300))
        let messenger = RecordingMessenger()
        let asking = Task { await requests.ask(.record(id: Hash256.of([1])), of: Self.peers[0], messenger: messenger) }
        var sent: MemoryRequest?
        for _ in 0..<100 where sent == nil {
            try await Task.sleep(for: .milliseconds(5))
            if case .memoryRequest(let request)? = messenger.sent.withLock({ $0.last }) { sent = request }
        }
        let request = try #require(sent)
        // From another peer, or with another id: ignored.
        requests.resolve(MemoryResponse(requestID: request.requestID, body: .failed("x")), from: Self.peers[1])
        requests.resolve(MemoryResponse(requestID: request.requestID + 1, body: .failed("x")), from: Self.peers[0])
        #expect(requests.inFlight == 1)
        requests.resolve(MemoryResponse(requestID: request.requestID, body: .record(nil)), from: Self.peers[0])
        #expect(await asking.value == .record(nil))
        #expect(requests.inFlight == 0)

        let clock = ContinuousClock()
        let start = clock.now
        let silent = await requests.ask(.record(id: Hash256.of([2])), of: Self.peers[1], messenger: messenger)
        #expect(silent == nil)
        #expect(clock.now - start >= .milliseconds(300))
        #expect(requests.inFlight == 0)
    }
}

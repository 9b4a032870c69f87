import HMNPrimitives
import Testing

@testable import HMNTransport

@Suite("Backoff and peer addresses")
struct BackoffTests {
    let backoff = Backoff(initialDelay: .milliseconds(100), maximumDelay: .seconds(5))

    @Test("the ceiling doubles per attempt up to the cap, without overflow")
    func ceiling() {
        #expect(backoff.ceiling(attempt: 0) == .milliseconds(100))
        #expect(backoff.ceiling(attempt: 1) == .milliseconds(200))
        #expect(backoff.ceiling(attempt: 5) == .milliseconds(3200))
        #expect(backoff.ceiling(attempt: 6) == .seconds(5))
        #expect(backoff.ceiling(attempt: 1000) == .seconds(5))
        #expect(backoff.ceiling(attempt: -3) == .milliseconds(100))
    }

    @Test("jittered delays stay in [ceiling/2, ceiling] and replay from the seed", arguments: [1, 2, 3] as [UInt64])
    func jitter(seed: UInt64) {
        var first = SeededGenerator(seed: seed)
        var second = SeededGenerator(seed: seed)
        var distinct = Set<Duration>()
        for attempt in 0..<40 {
            let delay = backoff.delay(attempt: attempt % 8, using: &first)
            let ceiling = backoff.ceiling(attempt: attempt % 8)
            #expect(delay >= ceiling / 2 && delay <= ceiling)
            #expect(delay == backoff.delay(attempt: attempt % 8, using: &second))
            distinct.insert(delay)
        }
        #expect(distinct.count > 20, "jitter must actually vary")
    }

    @Test("peer addresses parse hexkey@host:port and reject anything else")
    func peerAddress() throws {
        let key = testKey(9).publicKey
        let address = try PeerAddress(parsing: "\(key.hex)@127.0.0.1:26656")
        #expect(address == PeerAddress(key: key, host: "127.0.0.1", port: 26656))
        #expect(try PeerAddress(parsing: address.description) == address)
        for bad in ["", "127.0.0.1:1", "\(key.hex)@host", "\(key.hex)@host:0", "\(key.hex)@host:70000", "zz@h:1"] {
            #expect(
                performing: { _ = try PeerAddress(parsing: bad) },
                throws: {
                    ($0 as? TransportError)?.code == .malformedMessage
                })
        }
    }
}

import Foundation
import HMNNode
import HMNTransport
import Testing

/// A clock whose sleeps are `factor` times shorter than asked: the node's timers (round
/// timeouts, the λ epoch delay) run on the injected clock, so a test can compress time.
struct ScaledClock: Clock {
    typealias Duration = Swift.Duration
    typealias Instant = ContinuousClock.Instant
    let factor: Int

    var now: Instant { ContinuousClock.now }
    var minimumResolution: Duration { .nanoseconds(1) }

    func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        let remaining = ContinuousClock.now.duration(to: deadline)
        try await ContinuousClock().sleep(for: remaining / factor)
    }
}

@Suite("ConsensusDriver timers")
struct ConsensusDriverClockTests {
    @Test("timers run on the injected clock: 1 s epochs at 50× pass in 20 ms")
    func injectedClock() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hmn-clock-\(UUID().uuidString)")
            .path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var testnet = Testnet.Options()
        testnet.genesisTimeMilliseconds = WallClock.nowMilliseconds() - 1_000
        testnet.vectorDimension = 4
        // Default timeouts and the SPEC's 1 s base epoch: at real speed 6 blocks take over 5 s.
        let layout = try Testnet.initialize(validators: 1, directory: directory, options: testnet)
        let home = try NodeHome.load(layout.homes[0])
        let transport = try await InMemoryNetwork().join(home.signingKey.publicKey)
        var options = FullNode.Options()
        options.clock = ScaledClock(factor: 50)
        let node = try FullNode.open(home: home, transport: transport, options: options, logger: LocalTestnet.quiet)
        let task = Task { try? await node.run() }
        let start = ContinuousClock.now
        try await LocalTestnet.eventually("6 blocks", within: 4) { await node.status().height >= 6 }
        #expect(ContinuousClock.now - start < .seconds(4))
        task.cancel()
        await task.value
    }
}

import Foundation
import Synchronization
import HMNNode
import HMNTransport
import Testing

/// A clock whose sleeps are `factor` times shorter than asked: the node's timers (round
/// timeouts, the λ epoch delay) run on the injected clock, so a test can compress time.
struct ScaledClock: Clock {
    typealias Duration = Swift.Duration
    typealias Instant = ContinuousClock.Instant
    let factor: Int
    /// Sleeps requested through this clock.
    let sleeps = Counter()

    final class Counter: Sendable {
        private let value = Atomic<Int>(0)
        func increment() { value.add(1, ordering: .relaxed) }
        var count: Int { value.load(ordering: .relaxed) }
    }

    var now: Instant { ContinuousClock.now }
    var minimumResolution: Duration { .nanoseconds(1) }

    func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        sleeps.increment()
        let remaining = ContinuousClock.now.duration(to: deadline)
        try await ContinuousClock().sleep(for: remaining / factor)
    }
}

@Suite("ConsensusDriver timers")
struct ConsensusDriverClockTests {
    /// A one-validator node with default round timeouts and `baseEpochMilliseconds`, its timers on
    /// `clock`, running until `body` returns.
    static func withNode(
        baseEpochMilliseconds: UInt64, clock: ScaledClock, _ body: (FullNode) async throws -> Void
    ) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hmn-clock-\(UUID().uuidString)")
            .path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var testnet = Testnet.Options()
        testnet.genesisTimeMilliseconds = WallClock.nowMilliseconds() - 1_000
        testnet.vectorDimension = 4
        testnet.coherence.baseEpochMilliseconds = baseEpochMilliseconds
        let layout = try Testnet.initialize(validators: 1, directory: directory, options: testnet)
        let home = try NodeHome.load(layout.homes[0])
        let transport = try await InMemoryNetwork().join(home.signingKey.publicKey)
        var options = FullNode.Options()
        options.clock = clock
        let node = try FullNode.open(home: home, transport: transport, options: options, logger: LocalTestnet.quiet)
        let task = Task { try? await node.run() }
        defer { task.cancel() }
        try await body(node)
        task.cancel()
        await task.value
    }

    @Test("timers run on the injected clock: 100 s epochs at 10,000× pass in 10 ms")
    func injectedClock() async throws {
        // Default timeouts and a 100 s base epoch: at real speed 6 blocks would take ten minutes.
        let clock = ScaledClock(factor: 10_000)
        try await Self.withNode(baseEpochMilliseconds: 100_000, clock: clock) { node in
            try await LocalTestnet.eventually("6 blocks", within: 180) { await node.status().height >= 6 }
            #expect(clock.sleeps.count >= 6)
        }
    }

    @Test("a height costs about one timer sleep, not one per timeout it scheduled")
    func fewSleepsPerHeight() async throws {
        // 20 ms epochs under the default round timeouts (1 s, 0.5 s, 0.5 s): each height schedules
        // its epoch delay and three round timeouts, and is decided long before they are due.
        let clock = ScaledClock(factor: 1)
        let started = ContinuousClock.now
        try await Self.withNode(baseEpochMilliseconds: 20, clock: clock) { node in
            try await LocalTestnet.eventually("40 blocks", within: 120) { await node.status().height >= 40 }
            let heights = await node.status().height
            let sleeps = clock.sleeps.count
            let wakeups = await node.driver.timerWakeups
            let gossipTicks = Int((ContinuousClock.now - started) / .milliseconds(500)) + 1
            // A task per timeout slept 3.4 times per height here (135 sleeps over 40 heights);
            // sleeping only for a deadline earlier than every running sleep's: once per height
            // (the epoch delay), plus the gossip tick every 500 ms (55 sleeps over 40 heights).
            #expect(sleeps <= Int(heights) * 3 / 2 + 2 * gossipTicks + 5, "\(sleeps) sleeps over \(heights) heights")
            #expect(wakeups <= sleeps)
        }
    }
}

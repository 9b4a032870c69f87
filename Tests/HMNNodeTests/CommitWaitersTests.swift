import HMNPrimitives
import Testing

@testable import HMNNode

/// The long-poll registry: every way a wait ends, and the race it exists to close.
@Suite("Commit waiters")
struct CommitWaitersTests {
    @Test("a commit between the check and the wait is not missed")
    func resolvedBeforeWaiting() async {
        let waiters = CommitWaiters()
        let id = Hash256.of([1])
        let token = waiters.register(id)!
        waiters.resolve([id])
        let clock = ContinuousClock()
        let start = clock.now
        #expect(await waiters.wait(token, milliseconds: 10_000))
        #expect(clock.now - start < .seconds(5))
        #expect(waiters.isEmpty)
    }

    @Test("a commit during the wait wakes every waiter on that id, and only them")
    func resolvedWhileWaiting() async {
        let waiters = CommitWaiters()
        let id = Hash256.of([2])
        let other = Hash256.of([3])
        let tokens = (0..<3).map { _ in waiters.register(id)! }
        let otherToken = waiters.register(other)!
        async let woken = withTaskGroup(of: Bool.self) { group in
            for token in tokens { group.addTask { await waiters.wait(token, milliseconds: 20_000) } }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        async let otherResult = waiters.wait(otherToken, milliseconds: 400)
        try? await Task.sleep(for: .milliseconds(100))
        waiters.resolve([Hash256.of([9]), id])
        #expect(await woken == [true, true, true])
        #expect(await otherResult == false)
        #expect(waiters.isEmpty)
    }

    @Test("a wait with no commit ends false after its time; a cancelled slot frees its place")
    func timeoutAndCancel() async {
        let waiters = CommitWaiters()
        let id = Hash256.of([4])
        let token = waiters.register(id)!
        #expect(!waiters.isEmpty)
        let clock = ContinuousClock()
        let start = clock.now
        #expect(await waiters.wait(token, milliseconds: 200) == false)
        #expect(clock.now - start >= .milliseconds(190))
        #expect(waiters.isEmpty)
        // A late commit finds nothing to wake.
        waiters.resolve([id])
        let cancelled = waiters.register(id)!
        waiters.cancel(cancelled)
        #expect(waiters.isEmpty)
        #expect(await waiters.wait(cancelled, milliseconds: 10_000) == false)
    }

    @Test("at most `capacity` slots at once")
    func capacity() {
        let waiters = CommitWaiters()
        let tokens = (0..<CommitWaiters.capacity).map {
            waiters.register(Hash256.of(withUnsafeBytes(of: $0) { Array($0) }))!
        }
        #expect(waiters.register(Hash256.of([5])) == nil)
        waiters.cancel(tokens[0])
        #expect(waiters.register(Hash256.of([5])) != nil)
    }
}

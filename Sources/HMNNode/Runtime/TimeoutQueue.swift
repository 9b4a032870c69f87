import HMNConsensus

/// The consensus timeouts a ``ConsensusDriver`` has pending, earliest deadline first; a sleeping
/// task at or before the earliest deadline serves them.
///
/// A node schedules about five timeouts per height (the epoch delay, the empty-block wait, and
/// the propose, prevote and precommit timeouts) and decides most heights long before any of
/// them is due. A task per timeout cost a task, a timer registration and a wake-up each, nearly
/// all for timeouts the engine then ignored. Here a timeout the engine would ignore is dropped
/// without waking anyone (``removeAll(where:)``), and a new sleeper starts only for a deadline
/// earlier than every running sleeper's.
struct TimeoutQueue {
    struct Entry: Equatable {
        /// Time since the driver's ``TimerClock`` origin.
        var deadline: Duration
        var timeout: ConsensusTimeout
    }

    /// Sorted by deadline; equal deadlines keep the order they were scheduled in.
    private(set) var entries: [Entry] = []

    var isEmpty: Bool { entries.isEmpty }
    var earliestDeadline: Duration? { entries.first?.deadline }

    mutating func insert(_ timeout: ConsensusTimeout, deadline: Duration) {
        // A handful of entries: a linear search beats a heap here.
        let index = entries.firstIndex { $0.deadline > deadline } ?? entries.endIndex
        entries.insert(Entry(deadline: deadline, timeout: timeout), at: index)
    }

    /// Removes and returns, in deadline order, the timeouts due at `time`.
    mutating func popDue(through time: Duration) -> [ConsensusTimeout] {
        let end = entries.firstIndex { $0.deadline > time } ?? entries.endIndex
        let due = entries[..<end].map(\.timeout)
        entries.removeFirst(end)
        return due
    }

    mutating func removeAll(where shouldRemove: (ConsensusTimeout) -> Bool) {
        entries.removeAll { shouldRemove($0.timeout) }
    }
}

/// An injected clock seen as durations since an origin, so that deadlines can be stored and
/// compared without the clock's own instant type (the driver holds `any Clock<Duration>`).
struct TimerClock: Sendable {
    /// Time since the origin by the clock's `now`.
    let elapsed: @Sendable () -> Duration
    /// Sleeps for a duration from the clock's `now`; throws when cancelled. Relative, so that a
    /// clock whose sleeps are compressed (a test's) compresses every one of them alike.
    let sleep: @Sendable (_ duration: Duration) async throws -> Void

    init(_ clock: some Clock<Duration>) {
        let origin = clock.now
        elapsed = { origin.duration(to: clock.now) }
        sleep = { duration in try await clock.sleep(until: clock.now.advanced(by: duration), tolerance: nil) }
    }
}

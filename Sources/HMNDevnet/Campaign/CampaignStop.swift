import Synchronization

/// A flag the campaign's background loops poll to end.
///
/// Not task cancellation: on Linux, cancelling a task while it awaits `URLSession.data(for:)` can
/// deadlock FoundationNetworking (the cancel handler waits on the session queue while the queue
/// resumes the task), which hung the first partition run. Loops check the flag between requests.
public final class CampaignStop: Sendable {
    private let flag = Mutex(false)

    public init() {}

    public var isSet: Bool { flag.withLock { $0 } }

    public func set() { flag.withLock { $0 = true } }

    /// Sleeps `duration` in short steps, returning early once `condition` holds.
    static func sleep(_ duration: Duration, unless condition: () -> Bool) async {
        let deadline = ContinuousClock.now + duration
        while ContinuousClock.now < deadline, !condition() {
            try? await Task.sleep(for: min(.milliseconds(200), deadline - ContinuousClock.now))
        }
    }
}

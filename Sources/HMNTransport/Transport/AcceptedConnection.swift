import NIOCore
import Synchronization

/// An accepted connection on its way from NIO's accept loop to the task that serves it.
///
/// NIO requires every async channel to be finished before it is released. When the transport
/// stops, connections still buffered in (or accepted after) the listener's stream are released
/// unserved; this wrapper closes them instead of letting NIO trap.
final class AcceptedConnection: Sendable {
    private let channel: FrameChannel
    private let taken = Atomic<Bool>(false)

    init(_ channel: FrameChannel) { self.channel = channel }

    /// The channel, for the one task that serves it.
    func take() -> FrameChannel {
        taken.store(true, ordering: .releasing)
        return channel
    }

    deinit {
        guard !taken.load(ordering: .acquiring) else { return }
        let channel = self.channel
        // Deinit cannot await: a short task closes the channel (nothing else can reach it).
        Task { try? await channel.executeThenClose { _, _ in } }
    }
}

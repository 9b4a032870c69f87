import HMNPrimitives
import NIOCore
import Synchronization

/// A gauge shared by a peer's `send` (increment) and its writer task (decrement).
final class QueueDepth: Sendable {
    private let value = Atomic<Int>(0)
    var current: Int { value.load(ordering: .relaxed) }
    func increment() { value.add(1, ordering: .relaxed) }
    func decrement() { value.subtract(1, ordering: .relaxed) }
}

/// Counters the transport keeps for metrics.
final class TransportCounters: Sendable {
    let droppedInbound = Atomic<Int>(0)
    let rejectedConnections = Atomic<Int>(0)
}

/// The live, authenticated connection to one peer, as the transport actor tracks it.
struct SessionRecord: Sendable {
    /// Distinguishes successive connections to the same peer.
    let id: UInt64
    /// The key of the side that dialed; decides which of two simultaneous connections survives.
    let dialer: PublicKey
    let channel: any Channel
    /// The bounded send queue; its consumer is the connection's writer task.
    let queue: AsyncStream<[UInt8]>.Continuation
    let depth: QueueDepth

    /// Whether a new connection from `dialer` should replace this one: the same dialer reconnected
    /// (the old connection is stale), or both sides dialed at once and the new one's dialer has the
    /// smaller key. Both ends apply the same rule, so they keep the same connection.
    func isSuperseded(byConnectionFrom newDialer: PublicKey) -> Bool {
        newDialer == dialer || newDialer < dialer
    }
}

/// What the connection task gets when its session is registered.
struct SessionRegistration: Sendable {
    let id: UInt64
    let queue: AsyncStream<[UInt8]>
    let depth: QueueDepth
}

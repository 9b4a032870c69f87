import HMNPrimitives
import HMNTransport

/// A transport the node must run and tell whom to dial (TCP). In-memory transports need neither.
public protocol RunnableTransport: MessageTransport {
    /// Serves until the calling task is cancelled.
    func run() async
    /// Keeps a connection to `address` (reconnecting with backoff).
    func dial(_ address: PeerAddress) async
    /// Messages waiting in all per-peer send queues.
    func sendQueueDepth() async -> Int
}

extension NetworkTransport: RunnableTransport {
    public func dial(_ address: PeerAddress) { addPeer(address) }

    public func sendQueueDepth() -> Int {
        connectedPeers().reduce(0) { $0 + sendQueueDepth(for: $1) }
    }
}

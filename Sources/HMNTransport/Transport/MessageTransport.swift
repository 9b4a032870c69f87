import HMNPrimitives

/// A message from an authenticated peer.
public struct InboundMessage: Sendable, Hashable {
    /// The sender's long-term key, proven by the handshake (never taken from the message itself).
    public let peer: PublicKey
    public let bytes: [UInt8]

    public init(peer: PublicKey, bytes: [UInt8]) {
        self.peer = peer
        self.bytes = bytes
    }
}

/// A change in the set of peers with an open, authenticated session.
public enum ConnectionEvent: Sendable, Hashable {
    case connected(PublicKey)
    case disconnected(PublicKey)
}

/// What the consensus and gossip shells need from a network: authenticated point-to-point
/// messages between node keys. ``NetworkTransport`` (TCP) and ``InMemoryTransport`` (tests,
/// simulation) both satisfy it, so a shell runs unchanged over either.
///
/// Delivery is at most once and in order per connection; a message can be lost when a connection
/// drops or a bounded queue is full. Protocols above must tolerate loss (consensus re-broadcasts,
/// gossip re-requests), which they must anyway, since peers crash.
public protocol MessageTransport: Sendable {
    /// This node's long-term key.
    var localKey: PublicKey { get }
    /// Messages from peers, in arrival order per peer. Single consumer.
    var messages: AsyncStream<InboundMessage> { get }
    /// Connected / disconnected events, in order. Single consumer.
    var connectionEvents: AsyncStream<ConnectionEvent> { get }
    /// Queues `message` for `peer`.
    ///
    /// Throws ``TransportError/Code/notConnected`` without a session to `peer`,
    /// ``TransportError/Code/queueFull`` when the peer's bounded queue is full (the new message is
    /// dropped, queued ones are kept), ``TransportError/Code/messageTooLarge`` above the size limit.
    func send(_ message: [UInt8], to peer: PublicKey) async throws(TransportError)
    /// Peers with an open, authenticated session.
    func connectedPeers() async -> Set<PublicKey>
}

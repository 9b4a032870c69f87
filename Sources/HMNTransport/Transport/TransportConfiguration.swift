import HMNPrimitives

/// Settings of a ``NetworkTransport``.
public struct TransportConfiguration: Sendable {
    /// Identity, chain and allowed peers, as used by every handshake.
    public var handshake: HandshakeConfiguration
    /// Largest application message; the session frame limit is this plus the AEAD tag.
    public var maxMessageBytes: Int
    /// Messages that may wait per peer; beyond it ``MessageTransport/send(_:to:)`` throws
    /// `queueFull` and drops the new message.
    public var sendQueueCapacity: Int
    /// Inbound messages buffered for a slow consumer, over all peers; beyond it new messages are
    /// dropped and counted (``NetworkTransport/droppedInboundCount``).
    public var inboundBufferCapacity: Int
    /// A connection whose handshake has not completed by then is closed.
    public var handshakeTimeout: Duration
    /// TCP connect timeout for dials.
    public var connectTimeout: Duration
    /// Reconnection delays for dialed peers.
    public var backoff: Backoff
    /// Seed of the jitter generator (inject a fixed one in tests, a random one in production).
    public var jitterSeed: UInt64

    public init(
        handshake: HandshakeConfiguration,
        maxMessageBytes: Int = 4 << 20,
        sendQueueCapacity: Int = 1024,
        inboundBufferCapacity: Int = 8192,
        handshakeTimeout: Duration = .seconds(5),
        connectTimeout: Duration = .seconds(3),
        backoff: Backoff = Backoff(),
        jitterSeed: UInt64 = UInt64.random(in: .min ... .max)
    ) {
        precondition(maxMessageBytes > 0 && maxMessageBytes <= Int(UInt32.max) - FrameSealer.overheadByteCount)
        precondition(sendQueueCapacity > 0 && inboundBufferCapacity > 0)
        self.handshake = handshake
        self.maxMessageBytes = maxMessageBytes
        self.sendQueueCapacity = sendQueueCapacity
        self.inboundBufferCapacity = inboundBufferCapacity
        self.handshakeTimeout = handshakeTimeout
        self.connectTimeout = connectTimeout
        self.backoff = backoff
        self.jitterSeed = jitterSeed
    }
}

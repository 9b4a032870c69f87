import HMNPrimitives
import Logging
import NIOCore
import NIOPosix
import Synchronization

/// A channel carrying whole frames (the pipeline's ``FrameDecoderHandler`` splits the stream).
typealias FrameChannel = NIOAsyncChannel<ByteBuffer, ByteBuffer>

/// The TCP transport: authenticated, encrypted sessions between node keys over SwiftNIO.
///
/// Every connection runs the ``Handshake`` and then seals each frame (``FrameSealer``). A
/// connection that sends garbage, an oversize frame, a frame failing authentication, or that
/// authenticates with a key outside the allowed set is closed and logged; nothing else is
/// affected. Dialed peers (``addPeer(_:)``) are reconnected with ``Backoff``.
///
/// Lifecycle: ``bind(host:port:configuration:logger:eventLoopGroup:)`` opens the listener, then
/// ``run()`` serves until its task is cancelled, closing every connection before it returns.
/// Each peer has one bounded send queue drained by that connection's writer task, which waits for
/// the socket to become writable: a slow peer fills its own queue and then loses messages
/// (``TransportError/Code/queueFull``), never the memory of the node.
public actor NetworkTransport: MessageTransport {
    public nonisolated let localKey: PublicKey
    public nonisolated let messages: AsyncStream<InboundMessage>
    public nonisolated let connectionEvents: AsyncStream<ConnectionEvent>
    /// The port the listener is bound to (the real one when bound to port 0).
    public nonisolated let localPort: Int

    nonisolated let configuration: TransportConfiguration
    nonisolated let logger: Logger
    nonisolated let group: any EventLoopGroup
    nonisolated let server: NIOAsyncChannel<AcceptedConnection, Never>
    nonisolated let messageSink: AsyncStream<InboundMessage>.Continuation
    nonisolated let eventSink: AsyncStream<ConnectionEvent>.Continuation
    nonisolated let counters = TransportCounters()

    private enum Command: Sendable { case dial(PeerAddress) }
    private let commands: AsyncStream<Command>
    private let commandSink: AsyncStream<Command>.Continuation

    private var sessions: [PublicKey: SessionRecord] = [:]
    private var dialTargets: [PublicKey: PeerAddress] = [:]
    /// Consecutive failed dials per target (reset by an established session).
    private var dialFailures: [PublicKey: Int] = [:]
    /// Failed dials after which a node accepts a peer's inbound connection although it dials it.
    static let dialFailureThreshold = 3
    private var jitter: SeededGenerator
    private var nextConnectionID: UInt64 = 0
    private var hasRun = false

    /// Binds the listener. Nothing is accepted or dialed until ``run()``.
    public static func bind(
        host: String = "127.0.0.1",
        port: Int,
        configuration: TransportConfiguration,
        logger: Logger,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws -> NetworkTransport {
        let sessionLimit = configuration.maxMessageBytes + FrameSealer.overheadByteCount
        let server = try await ServerBootstrap(group: eventLoopGroup)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .bind(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    AcceptedConnection(try makeFrameChannel(channel, role: .responder, sessionFrameLimit: sessionLimit))
                }
            }
        guard let boundPort = server.channel.localAddress?.port else {
            try? await server.channel.close()
            throw TransportError(.connectionClosed, "listener on \(host):\(port) has no local port")
        }
        return NetworkTransport(
            server: server, port: boundPort, configuration: configuration, logger: logger, group: eventLoopGroup)
    }

    private init(
        server: NIOAsyncChannel<AcceptedConnection, Never>, port: Int, configuration: TransportConfiguration,
        logger: Logger, group: any EventLoopGroup
    ) {
        self.server = server
        self.localPort = port
        self.configuration = configuration
        self.localKey = configuration.handshake.signingKey.publicKey
        var logger = logger
        logger[metadataKey: "node"] = "\(configuration.handshake.signingKey.publicKey.short)"
        self.logger = logger
        self.group = group
        self.jitter = SeededGenerator(seed: configuration.jitterSeed)
        (messages, messageSink) = AsyncStream.makeStream(
            of: InboundMessage.self, bufferingPolicy: .bufferingOldest(configuration.inboundBufferCapacity))
        (connectionEvents, eventSink) = AsyncStream.makeStream(of: ConnectionEvent.self)
        (commands, commandSink) = AsyncStream.makeStream(of: Command.self)
    }

    /// Adds the frame decoder and the async wrapper to a fresh channel (on its event loop).
    static func makeFrameChannel(
        _ channel: any Channel, role: Handshake.Role, sessionFrameLimit: Int
    ) throws -> FrameChannel {
        let decoder = FrameDecoder(
            handshakeFrameLimit: Handshake.maxFrameBytes,
            handshakeFrameCount: Handshake.inboundFrameCount(for: role),
            sessionFrameLimit: sessionFrameLimit)
        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(FrameDecoderHandler(decoder)))
        return try FrameChannel(wrappingChannelSynchronously: channel)
    }

    // MARK: Running

    /// Accepts connections and keeps dialed peers connected until the calling task is cancelled;
    /// then closes every connection and finishes ``messages`` and ``connectionEvents``.
    public func run() async {
        guard !hasRun else {
            logger.error("NetworkTransport.run() called twice; ignoring")
            return
        }
        hasRun = true
        logger.info("transport listening", metadata: ["port": "\(localPort)"])
        await withDiscardingTaskGroup { group in
            group.addTask { await self.acceptLoop() }
            for await command in commands {
                switch command {
                case let .dial(address): group.addTask { await self.dialLoop(address) }
                }
            }
            group.cancelAll()
        }
        try? await server.channel.close()
        messageSink.finish()
        eventSink.finish()
        logger.info("transport stopped")
    }

    /// Dials `address` now and whenever the connection is lost, with backoff. Replaces an earlier
    /// address for the same key.
    public func addPeer(_ address: PeerAddress) {
        guard dialTargets[address.key] != address else { return }
        dialTargets[address.key] = address
        commandSink.yield(.dial(address))
    }

    /// Stops redialing `key` and closes its session, if any.
    public func removePeer(_ key: PublicKey) {
        dialTargets[key] = nil
        dialFailures[key] = nil
        sessions[key]?.channel.close(promise: nil)
    }

    // MARK: Sending and state

    public func send(_ message: [UInt8], to peer: PublicKey) throws(TransportError) {
        guard message.count <= configuration.maxMessageBytes else {
            throw TransportError(
                .messageTooLarge, "message of \(message.count) bytes exceeds \(configuration.maxMessageBytes)")
        }
        guard let record = sessions[peer] else {
            throw TransportError(.notConnected, "no session with \(peer.short)")
        }
        record.depth.increment()
        switch record.queue.yield(message) {
        case .enqueued:
            return
        case .dropped:
            record.depth.decrement()
            throw TransportError(
                .queueFull, "send queue to \(peer.short) is full (\(configuration.sendQueueCapacity)); message dropped")
        case .terminated:
            record.depth.decrement()
            throw TransportError(.notConnected, "session with \(peer.short) is closing")
        @unknown default:
            record.depth.decrement()
            throw TransportError(.notConnected, "session with \(peer.short) refused the message")
        }
    }

    public func connectedPeers() -> Set<PublicKey> { Set(sessions.keys) }

    /// Messages waiting in `peer`'s send queue (0 without a session). At most the queue capacity,
    /// plus one while the writer is taking a message.
    public func sendQueueDepth(for peer: PublicKey) -> Int { sessions[peer]?.depth.current ?? 0 }

    /// Inbound messages dropped because the consumer of ``messages`` fell behind.
    public nonisolated var droppedInboundCount: Int { counters.droppedInbound.load(ordering: .relaxed) }

    /// Connections closed for a protocol violation or refused in the handshake.
    public nonisolated var rejectedConnectionCount: Int { counters.rejectedConnections.load(ordering: .relaxed) }

    // MARK: Session registry (used by the connection tasks)

    /// Records a session, or refuses it (returns `nil`, and the connection is closed before the
    /// responder's `Ready`, so the dialer never reports it).
    ///
    /// When two nodes dial each other, the one with the smaller key keeps its own dial and refuses
    /// the other's, a rule both ends derive from static facts, so no message is lost to a race
    /// between two half-open connections. It yields after ``dialFailureThreshold`` failed dials
    /// (the larger node may be reachable only one way). Remaining duplicates (a reconnect before
    /// the old connection's loss is noticed) are resolved by ``SessionRecord/isSuperseded(byConnectionFrom:)``.
    func register(remote: PublicKey, dialer: PublicKey, channel: any Channel) -> SessionRegistration? {
        if dialer == remote, localKey < remote, dialTargets[remote] != nil,
            dialFailures[remote, default: 0] < Self.dialFailureThreshold
        {
            logger.debug("refusing inbound connection from a peer we dial", metadata: ["peer": "\(remote.short)"])
            return nil
        }
        if let existing = sessions[remote], !existing.isSuperseded(byConnectionFrom: dialer) {
            return nil
        }
        nextConnectionID += 1
        let (queue, continuation) = AsyncStream.makeStream(
            of: [UInt8].self, bufferingPolicy: .bufferingOldest(configuration.sendQueueCapacity))
        let depth = QueueDepth()
        let record = SessionRecord(
            id: nextConnectionID, dialer: dialer, channel: channel, queue: continuation, depth: depth)
        if let existing = sessions[remote] {
            // The peer stays connected: swap connections without a disconnected/connected pair.
            existing.queue.finish()
            existing.channel.close(promise: nil)
            logger.debug("replaced duplicate connection", metadata: ["peer": "\(remote.short)"])
        } else {
            eventSink.yield(.connected(remote))
            logger.info("peer connected", metadata: ["peer": "\(remote.short)"])
        }
        sessions[remote] = record
        return SessionRegistration(id: record.id, queue: queue, depth: depth)
    }

    func unregister(remote: PublicKey, id: UInt64) {
        guard let record = sessions[remote], record.id == id else { return }
        record.queue.finish()
        sessions[remote] = nil
        eventSink.yield(.disconnected(remote))
        logger.info("peer disconnected", metadata: ["peer": "\(remote.short)"])
    }

    func isConnected(_ key: PublicKey) -> Bool { sessions[key] != nil }

    func isDialTarget(_ address: PeerAddress) -> Bool { dialTargets[address.key] == address }

    /// Records a dial's outcome and returns the delay before the next one.
    func dialEnded(_ key: PublicKey, established: Bool) -> Duration {
        let failures = established ? 0 : dialFailures[key, default: 0] + 1
        dialFailures[key] = failures
        return configuration.backoff.delay(attempt: max(failures - 1, 0), using: &jitter)
    }
}

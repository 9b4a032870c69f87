import HMNPrimitives

/// An in-process network of ``InMemoryTransport``s, for tests of the layers above the transport.
///
/// It keeps ``MessageTransport``'s contract: only linked peers can exchange messages, messages
/// are delivered in order, a receiver's inbound buffer is bounded (a full one makes `send` throw
/// `queueFull`), and linking or unlinking emits connection events on both ends.
public actor InMemoryNetwork {
    private struct Node {
        let messages: AsyncStream<InboundMessage>.Continuation
        let events: AsyncStream<ConnectionEvent>.Continuation
    }

    private struct Link: Hashable {
        let low: PublicKey
        let high: PublicKey
        init(_ a: PublicKey, _ b: PublicKey) { (low, high) = a < b ? (a, b) : (b, a) }
    }

    public let maxMessageBytes: Int
    public let inboundBufferCapacity: Int
    private var nodes: [PublicKey: Node] = [:]
    private var links: Set<Link> = []

    public init(maxMessageBytes: Int = 4 << 20, inboundBufferCapacity: Int = 8192) {
        precondition(maxMessageBytes > 0 && inboundBufferCapacity > 0)
        self.maxMessageBytes = maxMessageBytes
        self.inboundBufferCapacity = inboundBufferCapacity
    }

    /// Adds a node with this key and returns its transport. A key can join once.
    public func join(_ key: PublicKey) throws(TransportError) -> InMemoryTransport {
        guard nodes[key] == nil else {
            throw TransportError(.unexpectedPeer, "key \(key.short) already joined this network")
        }
        let (messages, messageSink) = AsyncStream.makeStream(
            of: InboundMessage.self, bufferingPolicy: .bufferingOldest(inboundBufferCapacity))
        let (events, eventSink) = AsyncStream.makeStream(of: ConnectionEvent.self)
        nodes[key] = Node(messages: messageSink, events: eventSink)
        return InMemoryTransport(localKey: key, messages: messages, connectionEvents: events, network: self)
    }

    /// Links two joined nodes; each gets a `connected` event for the other.
    public func connect(_ a: PublicKey, _ b: PublicKey) {
        guard a != b, let nodeA = nodes[a], let nodeB = nodes[b], links.insert(Link(a, b)).inserted else { return }
        nodeA.events.yield(.connected(b))
        nodeB.events.yield(.connected(a))
    }

    /// Links every pair of joined nodes.
    public func connectAll() {
        let keys = nodes.keys.sorted()
        for (index, a) in keys.enumerated() {
            for b in keys[(index + 1)...] { connect(a, b) }
        }
    }

    /// Cuts the link between two nodes; each gets a `disconnected` event.
    public func disconnect(_ a: PublicKey, _ b: PublicKey) {
        guard links.remove(Link(a, b)) != nil else { return }
        nodes[a]?.events.yield(.disconnected(b))
        nodes[b]?.events.yield(.disconnected(a))
    }

    /// Cuts every link of `key` (a crash, from the others' point of view).
    public func isolate(_ key: PublicKey) {
        for peer in peers(of: key) { disconnect(key, peer) }
    }

    /// Ends the network: every link is cut and every node's message and event streams finish, so
    /// the tasks reading them end too (nothing stays suspended on a network nobody uses).
    public func shutdown() {
        for link in links { disconnect(link.low, link.high) }
        for node in nodes.values {
            node.messages.finish()
            node.events.finish()
        }
        nodes = [:]
    }

    func peers(of key: PublicKey) -> Set<PublicKey> {
        Set(links.compactMap { link in link.low == key ? link.high : link.high == key ? link.low : nil })
    }

    func deliver(_ message: [UInt8], from sender: PublicKey, to receiver: PublicKey) throws(TransportError) {
        guard message.count <= maxMessageBytes else {
            throw TransportError(.messageTooLarge, "message of \(message.count) bytes exceeds \(maxMessageBytes)")
        }
        guard links.contains(Link(sender, receiver)), let node = nodes[receiver] else {
            throw TransportError(.notConnected, "no link from \(sender.short) to \(receiver.short)")
        }
        switch node.messages.yield(InboundMessage(peer: sender, bytes: message)) {
        case .enqueued: return
        case .dropped: throw TransportError(.queueFull, "inbound buffer of \(receiver.short) is full; message dropped")
        case .terminated: throw TransportError(.notConnected, "\(receiver.short) stopped")
        @unknown default: throw TransportError(.notConnected, "\(receiver.short) refused the message")
        }
    }
}

/// One node's face of an ``InMemoryNetwork``; obtained from ``InMemoryNetwork/join(_:)``.
public struct InMemoryTransport: MessageTransport {
    public let localKey: PublicKey
    public let messages: AsyncStream<InboundMessage>
    public let connectionEvents: AsyncStream<ConnectionEvent>
    private let network: InMemoryNetwork

    init(
        localKey: PublicKey, messages: AsyncStream<InboundMessage>,
        connectionEvents: AsyncStream<ConnectionEvent>, network: InMemoryNetwork
    ) {
        self.localKey = localKey
        self.messages = messages
        self.connectionEvents = connectionEvents
        self.network = network
    }

    public func send(_ message: [UInt8], to peer: PublicKey) async throws(TransportError) {
        try await network.deliver(message, from: localKey, to: peer)
    }

    public func connectedPeers() async -> Set<PublicKey> { await network.peers(of: localKey) }
}

import HMNPrimitives
import HMNTransport
import Synchronization

/// An ``InMemoryTransport`` that a restarted node can take over: an ``InMemoryNetwork`` lets a
/// key join once and an `AsyncStream` ends with its consumer, so this relay keeps the network's
/// streams and hands each node incarnation fresh ones (``attach()``), replaying the live links as
/// `connected` events. Messages arriving while no node is attached are dropped, like a crash.
final class ReattachableTransport: MessageTransport, Sendable {
    private struct State {
        var messageSink: AsyncStream<InboundMessage>.Continuation?
        var eventSink: AsyncStream<ConnectionEvent>.Continuation?
        var messages: AsyncStream<InboundMessage>?
        var events: AsyncStream<ConnectionEvent>?
        var peers: Set<PublicKey> = []
    }

    private final class Box: Sendable {
        let mutex = Mutex(State())
    }

    let base: InMemoryTransport
    private let box = Box()
    private let pumps: [Task<Void, Never>]

    init(_ base: InMemoryTransport) {
        self.base = base
        let box = self.box
        pumps = [
            Task {
                for await message in base.messages {
                    let sink = box.mutex.withLock { $0.messageSink }
                    sink?.yield(message)
                }
            },
            Task {
                for await event in base.connectionEvents {
                    let sink = box.mutex.withLock { state in
                        switch event {
                        case .connected(let peer): state.peers.insert(peer)
                        case .disconnected(let peer): state.peers.remove(peer)
                        }
                        return state.eventSink
                    }
                    sink?.yield(event)
                }
            },
        ]
        attach()
    }

    deinit { for pump in pumps { pump.cancel() } }

    /// New streams for a new node incarnation; the previous ones finish.
    func attach() {
        let (messages, messageSink) = AsyncStream.makeStream(of: InboundMessage.self)
        let (events, eventSink) = AsyncStream.makeStream(of: ConnectionEvent.self)
        box.mutex.withLock { state in
            state.messageSink?.finish()
            state.eventSink?.finish()
            state.messageSink = messageSink
            state.eventSink = eventSink
            state.messages = messages
            state.events = events
            for peer in state.peers.sorted() { eventSink.yield(.connected(peer)) }
        }
    }

    var localKey: PublicKey { base.localKey }
    var messages: AsyncStream<InboundMessage> { box.mutex.withLock { $0.messages! } }
    var connectionEvents: AsyncStream<ConnectionEvent> { box.mutex.withLock { $0.events! } }

    func send(_ message: [UInt8], to peer: PublicKey) async throws(TransportError) {
        try await base.send(message, to: peer)
    }

    func connectedPeers() async -> Set<PublicKey> { await base.connectedPeers() }
}

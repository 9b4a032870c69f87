import HMNPrimitives
import Logging
import NIOCore
import NIOPosix
import Synchronization
import Testing

@testable import HMNTransport

/// Deterministic long-term keys for tests.
func testKey(_ seed: UInt8) -> SigningKey {
    try! SigningKey(seed: [UInt8](repeating: seed, count: 32))
}

/// Deterministic ephemeral keys for tests.
func testEphemeral(_ seed: UInt8) -> EphemeralKeyPair {
    try! EphemeralKeyPair(secret: [UInt8](repeating: seed, count: 32))
}

/// Collects everything a stream yields, so tests can wait for a condition without holding an
/// iterator (cancelling a pending `AsyncStream` iteration would finish the stream).
final class Recorder<Element: Sendable>: Sendable {
    private final class Storage: Sendable {
        let items = Mutex<[Element]>([])
    }

    private let storage = Storage()

    init(_ stream: AsyncStream<Element>) {
        // The task ends when the stream finishes (the transport stopped).
        Task { [storage] in
            for await item in stream { storage.items.withLock { $0.append(item) } }
        }
    }

    var all: [Element] { storage.items.withLock { $0 } }
}

/// Polls `condition` every 10 ms until it holds or `timeout` passes; returns whether it held.
func eventually(timeout: Duration = .seconds(10), _ condition: () async -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if await condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return await condition()
}

/// A log handler that keeps every message, to check that rejected connections are logged.
struct CapturingLogHandler: LogHandler {
    final class Store: Sendable {
        let lines = Mutex<[String]>([])
        func contains(_ text: String) -> Bool { lines.withLock { $0.contains { $0.contains(text) } } }
    }

    let store: Store
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .debug

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let line = "\(event.level) \(event.message) \(event.metadata ?? [:])"
        store.lines.withLock { $0.append(line) }
    }
}

/// One running ``NetworkTransport`` on loopback with recorders on both streams.
struct TestNode: Sendable {
    let key: SigningKey
    let transport: NetworkTransport
    let messages: Recorder<InboundMessage>
    let events: Recorder<ConnectionEvent>
    let logs: CapturingLogHandler.Store
    let runTask: Task<Void, Never>

    var publicKey: PublicKey { key.publicKey }
    var address: PeerAddress { PeerAddress(key: key.publicKey, host: "127.0.0.1", port: transport.localPort) }

    static func start(
        seed: UInt8,
        port: Int = 0,
        chainID: String = "hmn-test",
        allowedPeers: Set<PublicKey>? = nil,
        maxMessageBytes: Int = 1 << 20,
        sendQueueCapacity: Int = 64,
        handshakeTimeout: Duration = .seconds(2)
    ) async throws -> TestNode {
        let key = testKey(seed)
        let configuration = TransportConfiguration(
            handshake: HandshakeConfiguration(signingKey: key, chainID: chainID, allowedPeers: allowedPeers),
            maxMessageBytes: maxMessageBytes,
            sendQueueCapacity: sendQueueCapacity,
            handshakeTimeout: handshakeTimeout,
            connectTimeout: .seconds(1),
            backoff: Backoff(initialDelay: .milliseconds(20), maximumDelay: .milliseconds(200)),
            jitterSeed: UInt64(seed))
        let store = CapturingLogHandler.Store()
        let logger = Logger(label: "test.\(seed)") { _ in CapturingLogHandler(store: store) }
        let transport = try await NetworkTransport.bind(
            host: "127.0.0.1", port: port, configuration: configuration, logger: logger)
        let runTask = Task { await transport.run() }
        return TestNode(
            key: key, transport: transport, messages: Recorder(transport.messages),
            events: Recorder(transport.connectionEvents), logs: store, runTask: runTask)
    }

    func stop() async {
        runTask.cancel()
        await runTask.value
    }

    func received(from peer: PublicKey) -> [[UInt8]] {
        messages.all.filter { $0.peer == peer }.map(\.bytes)
    }

    func isConnected(to peer: PublicKey) async -> Bool {
        await transport.connectedPeers().contains(peer)
    }
}

/// Whether each of two nodes has a session with the other.
func connected(_ a: TestNode, _ b: TestNode) async -> Bool {
    let forward = await a.isConnected(to: b.publicKey)
    let backward = await b.isConnected(to: a.publicKey)
    return forward && backward
}

/// A bare TCP client on loopback that writes raw bytes, for garbage and protocol-violation tests.
enum RawClient {
    /// Connects, writes `bytes`, and returns whether the server closed the connection within
    /// `timeout` (it reads and discards whatever the server sends first).
    static func writeAndAwaitClose(_ bytes: [UInt8], port: Int, timeout: Duration = .seconds(5)) async throws -> Bool {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(ByteBuffer(bytes: bytes))
            return try await withThrowingTaskGroup(of: Bool.self) { group in
                group.addTask {
                    do {
                        for try await _ in inbound {}
                    } catch {}
                    return true
                }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    return false
                }
                let closed = try await group.next() ?? false
                group.cancelAll()
                return closed
            }
        }
    }
}

import HMNPrimitives
import Logging
import Testing

@testable import HMNTransport

/// The example of the `HMNTransport` catalog page, compiled and run: a node that binds, dials one
/// peer and hands every message to the application until its task is cancelled.
func runNode(
    nodeKey: SigningKey, port: Int, peer: String, logger: Logger,
    handle: @escaping @Sendable (PublicKey, [UInt8]) -> Void
) async throws {
    let transport = try await NetworkTransport.bind(
        port: port,
        configuration: TransportConfiguration(
            handshake: HandshakeConfiguration(signingKey: nodeKey, chainID: "hmn-test")),
        logger: logger)
    try await withThrowingDiscardingTaskGroup { group in
        group.addTask { await transport.run() }
        await transport.addPeer(try PeerAddress(parsing: peer))
        for await message in transport.messages { handle(message.peer, message.bytes) }
    }
}

@Suite("Documentation example")
struct DocumentationExampleTests {
    @Test("the catalog's node example connects, receives and stops on cancellation")
    func example() async throws {
        let peer = try await TestNode.start(seed: 2)
        let nodeKey = testKey(1)
        let (stream, sink) = AsyncStream.makeStream(of: [UInt8].self)
        let received = Recorder(stream)
        let node = Task {
            try await runNode(
                nodeKey: nodeKey, port: 0, peer: peer.address.description,
                logger: Logger(label: "example") { _ in SwiftLogNoOpLogHandler() },
                handle: { _, bytes in sink.yield(bytes) })
        }
        #expect(await eventually { await peer.isConnected(to: nodeKey.publicKey) })
        try await peer.transport.send(Array("hello".utf8), to: nodeKey.publicKey)
        #expect(await eventually { received.all == [Array("hello".utf8)] })
        node.cancel()
        try await node.value
        #expect(await eventually { await !peer.isConnected(to: nodeKey.publicKey) })
        await peer.stop()
        sink.finish()
    }
}

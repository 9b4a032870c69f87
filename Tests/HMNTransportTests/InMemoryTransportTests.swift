import HMNPrimitives
import Testing

@testable import HMNTransport

@Suite("InMemoryTransport")
struct InMemoryTransportTests {
    @Test("linked nodes exchange messages in order and see connection events")
    func exchange() async throws {
        let network = InMemoryNetwork(inboundBufferCapacity: 16)
        let a = try await network.join(testKey(1).publicKey)
        let b = try await network.join(testKey(2).publicKey)
        let events = Recorder(b.connectionEvents)
        let inbox = Recorder(b.messages)
        await #expect(throws: TransportError.self) { try await a.send([1], to: b.localKey) }
        await network.connect(a.localKey, b.localKey)
        #expect(await a.connectedPeers() == [b.localKey])
        for value in 0..<5 as Range<UInt8> { try await a.send([value], to: b.localKey) }
        #expect(await eventually { inbox.all.count == 5 })
        #expect(inbox.all.map(\.bytes) == (0..<5).map { [UInt8($0)] })
        #expect(inbox.all.allSatisfy { $0.peer == a.localKey })
        await network.disconnect(a.localKey, b.localKey)
        #expect(await eventually { events.all == [.connected(a.localKey), .disconnected(a.localKey)] })
        await #expect(throws: TransportError(.notConnected, "no link from \(a.localKey.short) to \(b.localKey.short)"))
        {
            try await a.send([9], to: b.localKey)
        }
        // Shutting the network down finishes the streams: the recorders' reading tasks end.
        await network.shutdown()
        await #expect(throws: TransportError.self) { try await a.send([9], to: b.localKey) }
    }

    @Test("a full inbound buffer makes send throw queueFull instead of growing")
    func bounded() async throws {
        let network = InMemoryNetwork(maxMessageBytes: 8, inboundBufferCapacity: 4)
        let a = try await network.join(testKey(1).publicKey)
        let b = try await network.join(testKey(2).publicKey)
        await network.connectAll()
        for _ in 0..<4 { try await a.send([0], to: b.localKey) }
        await #expect(
            performing: { try await a.send([0], to: b.localKey) },
            throws: {
                ($0 as? TransportError)?.code == .queueFull
            })
        await #expect(
            performing: { try await b.send([UInt8](repeating: 0, count: 9), to: a.localKey) },
            throws: {
                ($0 as? TransportError)?.code == .messageTooLarge
            })
        await #expect(
            performing: { _ = try await network.join(a.localKey) },
            throws: {
                ($0 as? TransportError)?.code == .unexpectedPeer
            })
    }

    @Test("the shells can be written against MessageTransport alone")
    func protocolUse() async throws {
        func ping(_ transport: some MessageTransport, to peer: PublicKey) async throws(TransportError) {
            try await transport.send(Array("ping".utf8), to: peer)
        }
        let network = InMemoryNetwork()
        let a = try await network.join(testKey(1).publicKey)
        let b = try await network.join(testKey(2).publicKey)
        let inbox = Recorder(b.messages)
        await network.connectAll()
        try await ping(a, to: b.localKey)
        #expect(await eventually { inbox.all == [InboundMessage(peer: a.localKey, bytes: Array("ping".utf8))] })
        await network.shutdown()
    }
}

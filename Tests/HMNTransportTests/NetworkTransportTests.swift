import HMNPrimitives
import NIOCore
import Testing

@testable import HMNTransport

/// Real transports on 127.0.0.1 with ephemeral ports. Every wait is bounded.
@Suite("NetworkTransport on loopback", .timeLimit(.minutes(1)))
struct NetworkTransportTests {
    @Test("two transports exchange authenticated messages both ways")
    func twoNodes() async throws {
        let a = try await TestNode.start(seed: 1)
        let b = try await TestNode.start(seed: 2)
        await a.transport.addPeer(b.address)
        #expect(await eventually { await connected(a, b) })
        #expect(
            await eventually { a.events.all == [.connected(b.publicKey)] && b.events.all == [.connected(a.publicKey)] })

        let big = (0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        for index in 0..<10 as Range<UInt8> { try await a.transport.send([index], to: b.publicKey) }
        try await a.transport.send(big, to: b.publicKey)
        try await b.transport.send(Array("pong".utf8), to: a.publicKey)
        try await b.transport.send([], to: a.publicKey)
        #expect(
            await eventually { b.received(from: a.publicKey).count == 11 && a.received(from: b.publicKey).count == 2 })
        #expect(b.received(from: a.publicKey) == (0..<10).map { [UInt8($0)] } + [big])
        #expect(a.received(from: b.publicKey) == [Array("pong".utf8), []])

        await #expect(
            performing: { try await a.transport.send([UInt8](repeating: 0, count: (1 << 20) + 1), to: b.publicKey) },
            throws: { ($0 as? TransportError)?.code == .messageTooLarge })
        await #expect(
            performing: { try await a.transport.send([1], to: testKey(77).publicKey) },
            throws: { ($0 as? TransportError)?.code == .notConnected })
        await a.stop()
        #expect(await eventually { b.events.all == [.connected(a.publicKey), .disconnected(a.publicKey)] })
        await b.stop()
    }

    @Test("three transports, including simultaneous dials, keep one session per pair")
    func threeNodes() async throws {
        let nodes = [
            try await TestNode.start(seed: 1), try await TestNode.start(seed: 2), try await TestNode.start(seed: 3),
        ]
        // Everyone dials everyone: each pair races two connections and must settle on one.
        for node in nodes {
            for other in nodes where other.publicKey != node.publicKey { await node.transport.addPeer(other.address) }
        }
        #expect(
            await eventually {
                for node in nodes where await node.transport.connectedPeers().count != 2 { return false }
                return true
            })
        for sender in nodes {
            for receiver in nodes where receiver.publicKey != sender.publicKey {
                try await sender.transport.send(
                    sender.publicKey.bytes + receiver.publicKey.bytes, to: receiver.publicKey)
            }
        }
        #expect(
            await eventually {
                nodes.allSatisfy { node in
                    nodes.allSatisfy { other in
                        other.publicKey == node.publicKey
                            || node.received(from: other.publicKey) == [other.publicKey.bytes + node.publicKey.bytes]
                    }
                }
            })
        // Each node saw each peer connect exactly once: the crossing dials never produced two sessions.
        for node in nodes {
            let connects = node.events.all.filter { if case .connected = $0 { true } else { false } }
            #expect(connects.count == 2)
        }
        for node in nodes { await node.stop() }
    }

    @Test("a peer whose key is not allowed is rejected and logged; allowed peers still connect")
    func unknownKey() async throws {
        let bob = testKey(2).publicKey
        let a = try await TestNode.start(seed: 1, allowedPeers: [bob])
        let b = try await TestNode.start(seed: 2)
        let c = try await TestNode.start(seed: 3)
        await c.transport.addPeer(a.address)
        await b.transport.addPeer(a.address)
        #expect(await eventually { await a.isConnected(to: bob) })
        #expect(await eventually { a.logs.contains("unknownPeer") })
        #expect(await a.transport.connectedPeers() == [bob])
        #expect(await c.transport.connectedPeers().isEmpty)
        #expect(c.events.all.isEmpty, "the rejected dialer must never report a session")
        #expect(a.transport.rejectedConnectionCount >= 1)
        for node in [a, b, c] { await node.stop() }
    }

    @Test("a node on another chain never gets a session")
    func wrongChain() async throws {
        let a = try await TestNode.start(seed: 1)
        let c = try await TestNode.start(seed: 3, chainID: "hmn-other")
        await c.transport.addPeer(a.address)
        #expect(await eventually { a.logs.contains("wrongChainID") })
        #expect(await a.transport.connectedPeers().isEmpty)
        #expect(await c.transport.connectedPeers().isEmpty)
        await a.stop()
        await c.stop()
    }

    @Test("a connection that never finishes its handshake is closed after the timeout")
    func handshakeTimeout() async throws {
        let a = try await TestNode.start(seed: 1, handshakeTimeout: .milliseconds(300))
        let start = ContinuousClock.now
        #expect(try await RawClient.writeAndAwaitClose([], port: a.transport.localPort))
        #expect(ContinuousClock.now - start < .seconds(4))
        #expect(await eventually { a.logs.contains("handshakeTimeout") })
        await a.stop()
    }

    @Test("removing a peer closes its session and stops redialing")
    func removePeer() async throws {
        let a = try await TestNode.start(seed: 1)
        let b = try await TestNode.start(seed: 2)
        await a.transport.addPeer(b.address)
        #expect(await eventually { await connected(a, b) })
        await a.transport.removePeer(b.publicKey)
        #expect(await eventually { await !a.isConnected(to: b.publicKey) && b.events.all.count == 2 })
        try await Task.sleep(for: .milliseconds(300))
        #expect(await !a.isConnected(to: b.publicKey))
        #expect(b.events.all == [.connected(a.publicKey), .disconnected(a.publicKey)])
        await a.stop()
        await b.stop()
    }

    @Test("garbage and oversize frames close that connection; the listener keeps serving")
    func garbage() async throws {
        let a = try await TestNode.start(seed: 1)
        var random = SeededGenerator(seed: 42)
        let garbage = (0..<512).map { _ in UInt8.random(in: 0...255, using: &random) }
        #expect(try await RawClient.writeAndAwaitClose(garbage, port: a.transport.localPort))
        // A small frame that is not a hello.
        #expect(try await RawClient.writeAndAwaitClose([0, 0, 0, 5, 1, 2, 3, 4, 5], port: a.transport.localPort))
        // An oversize prefix with no payload behind it: closed without waiting for the bytes.
        #expect(try await RawClient.writeAndAwaitClose([0xFF, 0xFF, 0xFF, 0xF0], port: a.transport.localPort))
        #expect(await eventually { a.logs.contains("oversizeFrame") && a.logs.contains("malformedMessage") })

        let b = try await TestNode.start(seed: 2)
        await b.transport.addPeer(a.address)
        #expect(await eventually { await b.isConnected(to: a.publicKey) })
        try await b.transport.send([7], to: a.publicKey)
        #expect(await eventually { a.received(from: b.publicKey) == [[7]] })
        await a.stop()
        await b.stop()
    }

    @Test("an authenticated peer sending an oversize or forged frame is disconnected")
    func misbehavingSession() async throws {
        let a = try await TestNode.start(seed: 1, maxMessageBytes: 1024)
        let mallory = testKey(9)
        let oversizeClosed = try await AuthenticatedClient.run(as: mallory, to: a.address) {
            session, iterator, outbound in
            try await AuthenticatedClient.sendSealed([1, 2, 3], session: &session, outbound: outbound)
            var header = ByteBuffer()
            header.writeInteger(UInt32(1024 + 16 + 1))
            try await outbound.write(header)
            return await AuthenticatedClient.awaitClose(&iterator)
        }
        #expect(oversizeClosed)
        #expect(a.received(from: mallory.publicKey) == [[1, 2, 3]])

        let forgedClosed = try await AuthenticatedClient.run(as: mallory, to: a.address) {
            session, iterator, outbound in
            var sealed = try session.sealer.seal([4, 5, 6])
            sealed[0] ^= 1
            var buffer = ByteBuffer()
            FrameDecoder.encode(sealed, into: &buffer)
            try await outbound.write(buffer)
            return await AuthenticatedClient.awaitClose(&iterator)
        }
        #expect(forgedClosed)
        #expect(await eventually { a.logs.contains("oversizeFrame") && a.logs.contains("authenticationFailed") })
        #expect(
            await eventually {
                a.events.all == [
                    .connected(mallory.publicKey), .disconnected(mallory.publicKey),
                    .connected(mallory.publicKey), .disconnected(mallory.publicKey),
                ]
            })
        #expect(a.received(from: mallory.publicKey) == [[1, 2, 3]])
        await a.stop()
    }

    @Test("a dialer reconnects after the peer restarts on the same port")
    func reconnect() async throws {
        let a = try await TestNode.start(seed: 1)
        let b = try await TestNode.start(seed: 2)
        let port = b.transport.localPort
        await a.transport.addPeer(b.address)
        #expect(await eventually { await a.isConnected(to: b.publicKey) })
        await b.stop()
        #expect(await eventually { await !a.isConnected(to: b.publicKey) })

        let restarted = try await TestNode.start(seed: 2, port: port)
        #expect(await eventually { await a.isConnected(to: b.publicKey) })
        try await a.transport.send([1], to: b.publicKey)
        try await restarted.transport.send([2], to: a.publicKey)
        #expect(
            await eventually {
                restarted.received(from: a.publicKey) == [[1]] && a.received(from: b.publicKey) == [[2]]
            })
        #expect(a.events.all == [.connected(b.publicKey), .disconnected(b.publicKey), .connected(b.publicKey)])
        await a.stop()
        await restarted.stop()
    }

    @Test("a peer that stops reading fills only its bounded queue; accepted messages all arrive")
    func backPressure() async throws {
        let capacity = 8
        let messageBytes = 256 << 10
        let a = try await TestNode.start(seed: 1, maxMessageBytes: messageBytes, sendQueueCapacity: capacity)
        let reader = testKey(5)
        let delivered = try await AuthenticatedClient.run(as: reader, to: a.address) { session, iterator, _ in
            guard await eventually({ await a.isConnected(to: reader.publicKey) }) else { return -1 }
            // The client reads nothing now: socket buffers fill, then the writer blocks, then the queue.
            var accepted = 0
            var consecutiveFull = 0
            var maxDepth = 0
            while consecutiveFull < 50 && accepted < 2000 {
                var message = [UInt8](repeating: 0, count: messageBytes)
                message[0] = UInt8(truncatingIfNeeded: accepted)
                message[1] = UInt8(truncatingIfNeeded: accepted >> 8)
                do {
                    try await a.transport.send(message, to: reader.publicKey)
                    accepted += 1
                    consecutiveFull = 0
                } catch let error as TransportError where error.code == .queueFull {
                    consecutiveFull += 1
                    try await Task.sleep(for: .milliseconds(2))
                }
                maxDepth = max(maxDepth, await a.transport.sendQueueDepth(for: reader.publicKey))
            }
            #expect(consecutiveFull == 50, "the queue must stay full while the peer does not read")
            // The gauge may still count the one message the writer has just taken.
            #expect(maxDepth <= capacity + 1)
            // Kernel socket buffers hold a few MiB; far fewer than 2000 × 256 KiB may be in flight.
            #expect(accepted < 400)
            // Now drain: every accepted message arrives, in order, and nothing else.
            var received = 0
            while received < accepted, let frame = try await iterator.next() {
                let plaintext = try frame.withUnsafeReadableBytes { try session.opener.open($0) }
                #expect(Int(plaintext[0]) | Int(plaintext[1]) << 8 == received & 0xFFFF)
                received += 1
            }
            return received == accepted ? accepted : -1
        }
        #expect(delivered > capacity)
        await a.stop()
    }
}

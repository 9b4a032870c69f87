import HMNPrimitives
import Testing

@testable import HMNTransport

/// The frames and outcome of one handshake driven in memory.
struct Exchange {
    var initiatorFrames: [[UInt8]] = []
    var responderFrames: [[UInt8]] = []
    var initiatorSession: SecureSession?
    var responderSession: SecureSession?
}

/// Delivers frames between two handshakes until both are quiet. `tamper` may rewrite a frame in
/// flight (sender role, index of that sender's frame, bytes).
func pump(
    _ initiator: inout Handshake, _ responder: inout Handshake,
    tamper: (Handshake.Role, Int, [UInt8]) -> [UInt8] = { $2 }
) throws(TransportError) -> Exchange {
    var exchange = Exchange()
    var toResponder: [[UInt8]] = []
    var toInitiator: [[UInt8]] = []
    for case let .send(frame) in initiator.start() { toResponder.append(frame) }
    _ = responder.start()
    while !toResponder.isEmpty || !toInitiator.isEmpty {
        if !toResponder.isEmpty {
            let frame = tamper(.initiator, exchange.initiatorFrames.count, toResponder.removeFirst())
            exchange.initiatorFrames.append(frame)
            for action in try responder.receive(frame) {
                switch action {
                case let .send(reply): toInitiator.append(reply)
                case let .established(session): exchange.responderSession = session
                }
            }
        } else {
            let frame = tamper(.responder, exchange.responderFrames.count, toInitiator.removeFirst())
            exchange.responderFrames.append(frame)
            for action in try initiator.receive(frame) {
                switch action {
                case let .send(reply): toResponder.append(reply)
                case let .established(session): exchange.initiatorSession = session
                }
            }
        }
    }
    return exchange
}

/// The code of the `TransportError` that `body` throws, or `nil` if it succeeds.
func code(_ body: () throws -> Void) -> TransportError.Code? {
    do {
        try body()
        return nil
    } catch {
        return (error as? TransportError)?.code
    }
}

@Suite("Handshake")
struct HandshakeTests {
    let alice = testKey(1)
    let bob = testKey(2)
    let carol = testKey(3)

    func handshake(
        _ role: Handshake.Role, _ key: SigningKey, chain: String = "hmn-test", version: UInt16 = 1,
        allowed: Set<PublicKey>? = nil, expected: PublicKey? = nil, ephemeral: UInt8? = nil
    ) -> Handshake {
        Handshake(
            role: role,
            configuration: HandshakeConfiguration(
                signingKey: key, chainID: chain, protocolVersion: version, allowedPeers: allowed),
            expectedPeer: expected,
            ephemeral: ephemeral.map(testEphemeral) ?? .generate())
    }

    @Test("both sides authenticate each other and agree on the session")
    func success() throws {
        var initiator = handshake(.initiator, alice, expected: bob.publicKey)
        var responder = handshake(.responder, bob, allowed: [alice.publicKey])
        let exchange = try pump(&initiator, &responder)
        var client = try #require(exchange.initiatorSession)
        var server = try #require(exchange.responderSession)
        #expect(client.remoteKey == bob.publicKey)
        #expect(server.remoteKey == alice.publicKey)
        #expect(client.transcriptHash == server.transcriptHash)
        #expect(exchange.initiatorFrames.count == 2)
        #expect(exchange.responderFrames.count == Handshake.inboundFrameCount(for: .initiator))
        #expect(exchange.initiatorFrames.count == Handshake.inboundFrameCount(for: .responder))
        #expect(
            (exchange.initiatorFrames + exchange.responderFrames).allSatisfy { $0.count <= Handshake.maxFrameBytes })
        #expect(initiator.isEstablished && responder.isEstablished)
        // Application frames flow both ways under the derived keys.
        #expect(try server.opener.open(client.sealer.seal([1, 2, 3])) == [1, 2, 3])
        #expect(try client.opener.open(server.sealer.seal([4])) == [4])
    }

    @Test("the same ephemeral keys give the same frames (reproducible)")
    func deterministic() throws {
        var i1 = handshake(.initiator, alice, ephemeral: 7)
        var r1 = handshake(.responder, bob, ephemeral: 8)
        var i2 = handshake(.initiator, alice, ephemeral: 7)
        var r2 = handshake(.responder, bob, ephemeral: 8)
        let first = try pump(&i1, &r1)
        let second = try pump(&i2, &r2)
        #expect(first.initiatorFrames == second.initiatorFrames)
        #expect(first.responderFrames == second.responderFrames)
    }

    @Test("a peer on another chain is refused at its hello")
    func wrongChain() {
        var initiator = handshake(.initiator, alice, chain: "hmn-testnet")
        var responder = handshake(.responder, bob, chain: "hmn-mainnet")
        #expect(code { _ = try pump(&initiator, &responder) } == .wrongChainID)
        #expect(!responder.isEstablished)
    }

    @Test("a peer speaking another protocol version is refused")
    func wrongVersion() {
        var initiator = handshake(.initiator, alice, version: 2)
        var responder = handshake(.responder, bob)
        #expect(code { _ = try pump(&initiator, &responder) } == .versionMismatch)
    }

    @Test("a key outside the allowed set is refused, on either side")
    func unknownKey() {
        var initiator = handshake(.initiator, carol)
        var responder = handshake(.responder, bob, allowed: [alice.publicKey])
        #expect(code { _ = try pump(&initiator, &responder) } == .unknownPeer)
        #expect(!initiator.isEstablished, "the dialer must not count a refused session as open")

        var picky = handshake(.initiator, alice, allowed: [carol.publicKey])
        var open = handshake(.responder, bob)
        #expect(code { _ = try pump(&picky, &open) } == .unknownPeer)
    }

    @Test("a dialer refuses a responder with another key than the one dialed")
    func unexpectedPeer() {
        var initiator = handshake(.initiator, alice, expected: carol.publicKey)
        var responder = handshake(.responder, bob)
        #expect(code { _ = try pump(&initiator, &responder) } == .unexpectedPeer)
    }

    @Test("connecting to ourselves is refused")
    func selfConnection() {
        var initiator = handshake(.initiator, alice)
        var responder = handshake(.responder, alice)
        #expect(code { _ = try pump(&initiator, &responder) } == .selfConnection)
    }

    @Test("a tampered ephemeral key in flight breaks the session keys")
    func tamperedHello() {
        var initiator = handshake(.initiator, alice)
        var responder = handshake(.responder, bob)
        let flipped = code {
            _ = try pump(&initiator, &responder) { role, index, frame in
                guard role == .responder, index == 0 else { return frame }
                var copy = frame
                copy[copy.count - 1] ^= 0x40
                return copy
            }
        }
        #expect(flipped == .authenticationFailed)
    }

    @Test("a signature over another transcript is refused")
    func tamperedTranscript() throws {
        // An attacker-controlled responder signs a transcript that names another chain.
        var initiator = handshake(.initiator, alice, ephemeral: 1)
        let responderEphemeral = testEphemeral(2)
        guard case let .send(helloBytes) = initiator.start().first else {
            Issue.record("initiator sent no hello")
            return
        }
        let hello = try HandshakeHello(canonicalBytes: helloBytes)
        let transcript = HandshakeTranscript.hash(
            version: 1, chainID: "hmn-test", initiatorEphemeral: hello.ephemeralKey,
            responderEphemeral: responderEphemeral.publicKey)
        let forged = HandshakeTranscript.hash(
            version: 1, chainID: "other-chain", initiatorEphemeral: hello.ephemeralKey,
            responderEphemeral: responderEphemeral.publicKey)
        let keys = HandshakeTranscript.frameKeys(
            sharedSecret: try responderEphemeral.sharedSecret(with: hello.ephemeralKey), transcript: transcript)
        var sealer = FrameSealer(key: keys.responderToInitiator)
        let reply = HandshakeHello(version: 1, chainID: "hmn-test", ephemeralKey: responderEphemeral.publicKey)
        let badAuth = HandshakeSealedMessage.auth(
            bob.publicKey, bob.sign(HandshakeTranscript.signedBytes(role: .responder, transcript: forged)))
        #expect(try initiator.receive(reply.canonicalBytes).isEmpty)
        #expect(code { _ = try initiator.receive(sealer.seal(badAuth.canonicalBytes)) } == .badSignature)

        // A signature made in the initiator role cannot be reflected as the responder's.
        var second = handshake(.initiator, alice, ephemeral: 1)
        _ = second.start()
        var sealer2 = FrameSealer(key: keys.responderToInitiator)
        let reflected = HandshakeSealedMessage.auth(
            bob.publicKey, bob.sign(HandshakeTranscript.signedBytes(role: .initiator, transcript: transcript)))
        _ = try second.receive(reply.canonicalBytes)
        #expect(code { _ = try second.receive(sealer2.seal(reflected.canonicalBytes)) } == .badSignature)
    }

    @Test("replayed handshake messages are refused")
    func replay() throws {
        var initiator = handshake(.initiator, alice)
        var responder = handshake(.responder, bob)
        let recorded = try pump(&initiator, &responder)

        // The initiator's recorded hello and auth, replayed to a responder with a fresh ephemeral key.
        var victim = handshake(.responder, bob)
        _ = victim.start()
        #expect(try victim.receive(recorded.initiatorFrames[0]).count == 2)
        #expect(code { _ = try victim.receive(recorded.initiatorFrames[1]) } == .authenticationFailed)

        // A hello sent twice within one handshake.
        var twice = handshake(.responder, bob)
        _ = twice.start()
        _ = try twice.receive(recorded.initiatorFrames[0])
        #expect(code { _ = try twice.receive(recorded.initiatorFrames[0]) } == .authenticationFailed)

        // The responder's recorded frames, replayed to an initiator with a fresh ephemeral key.
        var dialer = handshake(.initiator, alice)
        _ = dialer.start()
        _ = try dialer.receive(recorded.responderFrames[0])
        #expect(code { _ = try dialer.receive(recorded.responderFrames[1]) } == .authenticationFailed)
    }

    @Test("every truncation of every handshake frame is refused")
    func truncated() throws {
        var initiator = handshake(.initiator, alice, ephemeral: 3)
        var responder = handshake(.responder, bob, ephemeral: 4)
        let recorded = try pump(&initiator, &responder)
        let hello = recorded.initiatorFrames[0]
        for length in 0..<hello.count {
            var fresh = handshake(.responder, bob, ephemeral: 4)
            _ = fresh.start()
            #expect(code { _ = try fresh.receive(Array(hello.prefix(length))) } == .malformedMessage)
        }
        let auth = recorded.initiatorFrames[1]
        for length in 0..<auth.count {
            var fresh = handshake(.responder, bob, ephemeral: 4)
            _ = fresh.start()
            _ = try fresh.receive(hello)
            let result = code { _ = try fresh.receive(Array(auth.prefix(length))) }
            #expect(result == .authenticationFailed || result == .malformedMessage)
        }
        var garbage = handshake(.responder, bob)
        _ = garbage.start()
        #expect(code { _ = try garbage.receive(Array("GET / HTTP/1.1\r\n".utf8)) } == .malformedMessage)
    }

    @Test("a failed or finished handshake accepts no more input")
    func finalStates() throws {
        var early = handshake(.responder, bob)
        #expect(code { _ = try early.receive([1]) } == .unexpectedMessage)
        var responder = handshake(.responder, bob)
        _ = responder.start()
        #expect(code { _ = try responder.receive([1]) } == .malformedMessage)
        #expect(code { _ = try responder.receive([1]) } == .unexpectedMessage)

        var initiator = handshake(.initiator, alice)
        var good = handshake(.responder, bob)
        let exchange = try pump(&initiator, &good)
        #expect(code { _ = try initiator.receive(exchange.responderFrames[0]) } == .unexpectedMessage)
    }
}

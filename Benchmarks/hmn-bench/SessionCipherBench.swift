import HMNPrimitives
import HMNTransport

/// The AEAD alone, in memory: seal on one session, open on its peer, no sockets or tasks. It
/// separates the cost of ChaCha20-Poly1305 from the cost of the transport's queues and task hops.
enum SessionCipherBench {
    /// Runs a genuine handshake in memory and returns the two established sessions.
    static func sessionPair() throws -> (SecureSession, SecureSession) {
        func configuration(_ seed: UInt8) throws -> HandshakeConfiguration {
            HandshakeConfiguration(
                signingKey: try SigningKey(seed: [UInt8](repeating: seed, count: 32)), chainID: "bench")
        }
        var initiator = Handshake(role: .initiator, configuration: try configuration(1))
        var responder = Handshake(role: .responder, configuration: try configuration(2))
        var initiatorSession: SecureSession?
        var responderSession: SecureSession?
        var toResponder = initiator.start()
        _ = responder.start()
        while initiatorSession == nil || responderSession == nil {
            var toInitiator: [Handshake.Action] = []
            for action in toResponder {
                switch action {
                case let .send(frame): toInitiator += try responder.receive(frame)
                case let .established(session): initiatorSession = session
                }
            }
            toResponder = []
            for action in toInitiator {
                switch action {
                case let .send(frame): toResponder += try initiator.receive(frame)
                case let .established(session): responderSession = session
                }
            }
        }
        return (initiatorSession!, responderSession!)
    }

    /// Seconds to seal and open `count` messages of `size` bytes.
    static func sealAndOpen(size: Int, count: Int) throws -> Double {
        var (sender, receiver) = try sessionPair()
        let message = [UInt8](repeating: 0xAB, count: size)
        var checksum = 0
        let start = ContinuousClock.now
        for _ in 0..<count {
            let sealed = try sender.sealer.seal(message)
            checksum &+= Int(try receiver.opener.open(sealed)[size - 1])
        }
        let elapsed = TransportBench.seconds(ContinuousClock.now - start)
        precondition(checksum == count * 0xAB, "round trip corrupted the data")
        return elapsed
    }
}

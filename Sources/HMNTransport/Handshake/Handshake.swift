import HMNPrimitives

/// The authenticated key exchange that opens every connection, as an I/O-free state machine:
/// frames in, actions out.
///
/// A SIGMA-style exchange (Krawczyk, "SIGMA: the 'SIGn-and-MAc' approach to authenticated
/// Diffie-Hellman", 2003), close in spirit to CometBFT's SecretConnection (STS):
///
/// ```
/// initiator                                        responder
///   Hello(version, chain, eI)         ───────▶
///                                     ◀───────   Hello(version, chain, eR)
///                                     ◀───────   seal_R2I(Auth(keyR, sig_R(transcript)))
///   seal_I2R(Auth(keyI, sig_I(transcript)))  ──▶
///                                     ◀───────   seal_R2I(Ready)
/// ```
///
/// Keys come from X25519(eI, eR) and the transcript hash (``HandshakeTranscript``). The signatures
/// travel sealed, so only the holder of an ephemeral secret can read or produce them, which binds
/// each long-term identity to this very exchange. The responder's `Ready` tells the initiator it
/// was accepted, so a dialer never reports a peer as connected that then refuses it.
public struct Handshake: Sendable {
    /// The transport protocol version this build speaks.
    public static let protocolVersion: UInt16 = 1
    /// Largest handshake frame accepted (hello: 170 bytes at most; sealed auth: 113).
    public static let maxFrameBytes = 256

    public enum Role: String, Hashable, Sendable {
        /// The dialing side.
        case initiator
        /// The accepting side.
        case responder
    }

    /// What the connection must do.
    public enum Action: Sendable {
        /// Write one frame with this payload.
        case send([UInt8])
        /// The peer is authenticated; later frames belong to the session.
        case established(SecureSession)
    }

    private enum State {
        case idle
        case awaitingHello
        case awaitingAuth(Keys)
        case awaitingReady(Keys, PublicKey)
        case established
        case failed
    }

    private struct Keys {
        var sealer: FrameSealer
        var opener: FrameOpener
        var transcript: Hash256
    }

    public let role: Role
    private let configuration: HandshakeConfiguration
    private let expectedPeer: PublicKey?
    private let ephemeral: EphemeralKeyPair
    private var state: State = .idle

    /// How many frames this role receives during the handshake (for ``FrameDecoder``'s phases).
    public static func inboundFrameCount(for role: Role) -> Int { role == .initiator ? 3 : 2 }

    /// - Parameters:
    ///   - expectedPeer: for a dialer, the key it meant to reach; another key is refused.
    ///   - ephemeral: injected only by tests; production uses a fresh CSPRNG pair.
    public init(
        role: Role,
        configuration: HandshakeConfiguration,
        expectedPeer: PublicKey? = nil,
        ephemeral: EphemeralKeyPair = .generate()
    ) {
        self.role = role
        self.configuration = configuration
        self.expectedPeer = expectedPeer
        self.ephemeral = ephemeral
    }

    /// Whether the handshake has completed.
    public var isEstablished: Bool { if case .established = state { true } else { false } }

    /// Starts the exchange: the initiator sends its hello; the responder waits.
    public mutating func start() -> [Action] {
        guard case .idle = state else { return [] }
        state = .awaitingHello
        return role == .initiator ? [.send(hello.canonicalBytes)] : []
    }

    /// Feeds one received frame. Any error is final: the state machine refuses further input and the
    /// connection must be closed.
    public mutating func receive(_ frame: [UInt8]) throws(TransportError) -> [Action] {
        do {
            return try step(frame)
        } catch {
            state = .failed
            throw error
        }
    }

    private var hello: HandshakeHello {
        HandshakeHello(
            version: configuration.protocolVersion, chainID: configuration.chainID,
            ephemeralKey: ephemeral.publicKey)
    }

    private mutating func step(_ frame: [UInt8]) throws(TransportError) -> [Action] {
        switch state {
        case .idle:
            throw TransportError(.unexpectedMessage, "frame received before the handshake started")
        case .awaitingHello:
            var keys = try acceptHello(frame)
            state = .awaitingAuth(keys)
            guard role == .responder else { return [] }
            let auth = try keys.sealer.seal(ownAuth(keys.transcript).canonicalBytes)
            state = .awaitingAuth(keys)
            return [.send(hello.canonicalBytes), .send(auth)]
        case var .awaitingAuth(keys):
            let peer = try verifyAuth(frame, keys: &keys)
            switch role {
            case .initiator:
                let auth = try keys.sealer.seal(ownAuth(keys.transcript).canonicalBytes)
                state = .awaitingReady(keys, peer)
                return [.send(auth)]
            case .responder:
                let ready = try keys.sealer.seal(HandshakeSealedMessage.ready.canonicalBytes)
                state = .established
                return [.send(ready), .established(session(keys, peer))]
            }
        case .awaitingReady(var keys, let peer):
            let message = try openSealed(frame, keys: &keys)
            guard message == .ready else {
                throw TransportError(.unexpectedMessage, "expected ready from \(peer.short), got another message")
            }
            state = .established
            return [.established(session(keys, peer))]
        case .established:
            throw TransportError(.unexpectedMessage, "handshake already complete")
        case .failed:
            throw TransportError(.unexpectedMessage, "handshake already failed")
        }
    }

    private func acceptHello(_ frame: [UInt8]) throws(TransportError) -> Keys {
        let peerHello: HandshakeHello
        do {
            peerHello = try HandshakeHello(canonicalBytes: frame)
        } catch {
            throw TransportError(malformed: "hello", error)
        }
        guard peerHello.version == configuration.protocolVersion else {
            throw TransportError(
                .versionMismatch,
                "peer speaks version \(peerHello.version), we speak \(configuration.protocolVersion)")
        }
        guard peerHello.chainID == configuration.chainID else {
            throw TransportError(
                .wrongChainID, "peer is on chain \"\(peerHello.chainID)\", we are on \"\(configuration.chainID)\"")
        }
        let shared = try ephemeral.sharedSecret(with: peerHello.ephemeralKey)
        let (initiatorEphemeral, responderEphemeral) =
            role == .initiator
            ? (ephemeral.publicKey, peerHello.ephemeralKey) : (peerHello.ephemeralKey, ephemeral.publicKey)
        let transcript = HandshakeTranscript.hash(
            version: configuration.protocolVersion, chainID: configuration.chainID,
            initiatorEphemeral: initiatorEphemeral, responderEphemeral: responderEphemeral)
        let frameKeys = HandshakeTranscript.frameKeys(sharedSecret: shared, transcript: transcript)
        let (sendKey, receiveKey) =
            role == .initiator
            ? (frameKeys.initiatorToResponder, frameKeys.responderToInitiator)
            : (frameKeys.responderToInitiator, frameKeys.initiatorToResponder)
        return Keys(sealer: FrameSealer(key: sendKey), opener: FrameOpener(key: receiveKey), transcript: transcript)
    }

    private func ownAuth(_ transcript: Hash256) -> HandshakeSealedMessage {
        let signature = configuration.signingKey.sign(
            HandshakeTranscript.signedBytes(role: role, transcript: transcript))
        return .auth(configuration.signingKey.publicKey, signature)
    }

    private func openSealed(_ frame: [UInt8], keys: inout Keys) throws(TransportError) -> HandshakeSealedMessage {
        let plaintext = try keys.opener.open(frame)
        do {
            return try HandshakeSealedMessage(canonicalBytes: plaintext)
        } catch {
            throw TransportError(malformed: "sealed handshake message", error)
        }
    }

    /// Opens the peer's auth message, checks its signature and whether its key is acceptable.
    private func verifyAuth(_ frame: [UInt8], keys: inout Keys) throws(TransportError) -> PublicKey {
        guard case let .auth(peer, signature) = try openSealed(frame, keys: &keys) else {
            throw TransportError(.unexpectedMessage, "expected the peer's auth message")
        }
        let peerRole: Role = role == .initiator ? .responder : .initiator
        guard
            peer.isValidSignature(
                signature, for: HandshakeTranscript.signedBytes(role: peerRole, transcript: keys.transcript))
        else {
            throw TransportError(.badSignature, "handshake signature of \(peer.short) does not verify")
        }
        if peer == configuration.signingKey.publicKey {
            throw TransportError(.selfConnection, "peer authenticated with our own key \(peer.short)")
        }
        if let expectedPeer, peer != expectedPeer {
            throw TransportError(.unexpectedPeer, "dialed \(expectedPeer.short) but \(peer.short) answered")
        }
        if let allowed = configuration.allowedPeers, !allowed.contains(peer) {
            throw TransportError(.unknownPeer, "peer \(peer.short) is not in the allowed set")
        }
        return peer
    }

    private func session(_ keys: Keys, _ peer: PublicKey) -> SecureSession {
        SecureSession(
            remoteKey: peer, role: role, transcriptHash: keys.transcript, sealer: keys.sealer, opener: keys.opener)
    }
}

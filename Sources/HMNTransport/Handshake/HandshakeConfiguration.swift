import HMNPrimitives

/// Who this node is and whom it accepts, for ``Handshake``.
public struct HandshakeConfiguration: Sendable {
    /// This node's long-term identity; its public key is what peers authenticate.
    public var signingKey: SigningKey
    /// Peers on another chain are refused before any key material is derived.
    public var chainID: String
    /// The transport protocol version spoken; a peer announcing another one is refused.
    public var protocolVersion: UInt16
    /// When set, only these long-term keys may complete a handshake (in either role).
    public var allowedPeers: Set<PublicKey>?

    public init(
        signingKey: SigningKey,
        chainID: String,
        protocolVersion: UInt16 = Handshake.protocolVersion,
        allowedPeers: Set<PublicKey>? = nil
    ) {
        precondition(
            chainID.utf8.count <= HandshakeHello.maxChainIDBytes,
            "chain id longer than \(HandshakeHello.maxChainIDBytes) bytes")
        self.signingKey = signingKey
        self.chainID = chainID
        self.protocolVersion = protocolVersion
        self.allowedPeers = allowedPeers
    }
}

/// The state a completed handshake hands to the connection: the authenticated peer and one
/// cipher per direction, with counters already past the handshake's own sealed frames.
public struct SecureSession: Sendable {
    /// The peer's long-term key, proven by its signature over this session's transcript.
    public let remoteKey: PublicKey
    /// The local side's role in the handshake.
    public let role: Handshake.Role
    /// The transcript hash both sides signed (a session identifier).
    public let transcriptHash: Hash256
    /// Seals frames to the peer.
    public var sealer: FrameSealer
    /// Opens frames from the peer.
    public var opener: FrameOpener
}

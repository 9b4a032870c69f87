/// A transport failure. Each code names the exact rule that was broken, so that callers (and
/// logs) can tell a hostile peer from a slow one.
///
/// Errors raised while reading from a connection close that connection only; the transport keeps
/// serving every other peer.
public struct TransportError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong, as a stable code callers can switch over.
    public enum Code: String, Hashable, Sendable {
        /// A frame's length prefix exceeds the limit of the current phase (checked before any payload
        /// is buffered).
        case oversizeFrame
        /// A handshake message or frame could not be parsed (garbage bytes, truncation, bad tag).
        case malformedMessage
        /// The peer speaks another version of the transport protocol.
        case versionMismatch
        /// The peer belongs to another chain.
        case wrongChainID
        /// A sealed frame failed AEAD authentication: tampered, replayed, reordered or under the
        /// wrong key.
        case authenticationFailed
        /// The peer's handshake signature does not verify over the transcript.
        case badSignature
        /// The peer's long-term key is not in the configured allowed set.
        case unknownPeer
        /// The dialed peer authenticated with another key than the one we dialed.
        case unexpectedPeer
        /// The peer authenticated with our own key (we dialed ourselves).
        case selfConnection
        /// A message arrived that the handshake does not expect in its current state.
        case unexpectedMessage
        /// The handshake did not complete in time.
        case handshakeTimeout
        /// No authenticated session with that peer is open.
        case notConnected
        /// The peer's bounded send queue is full; the message was dropped.
        case queueFull
        /// The application message exceeds the configured maximum message size.
        case messageTooLarge
        /// A direction's 64-bit frame counter ran out; the connection must be re-established.
        case counterExhausted
        /// The connection closed (by the peer or by us).
        case connectionClosed
        /// libsodium reported an internal failure, or an ephemeral key was degenerate.
        case cryptoFailure
    }

    public var code: Code
    /// A human-readable explanation naming the peer, field or limit involved.
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "TransportError.\(code.rawValue): \(message)" }
}

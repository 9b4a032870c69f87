import HMNPrimitives

/// What both sides sign and derive keys from.
///
/// The transcript hash binds the protocol label and version, the chain id and both ephemeral keys
/// in order (initiator first). Each side signs `label ‖ role ‖ transcript` with its long-term
/// Ed25519 key: the role stops a signature from being reflected back at its author, the fresh
/// ephemeral keys stop an old signature from being replayed into a new handshake, and the chain id
/// stops a testnet connection from being accepted by a mainnet node.
enum HandshakeTranscript {
    static let label = "HMN-transport"

    static func hash(
        version: UInt16, chainID: String, initiatorEphemeral: [UInt8], responderEphemeral: [UInt8]
    ) -> Hash256 {
        var encoder = CanonicalEncoder(capacity: 128)
        encoder.encode(label)
        encoder.encode(version)
        encoder.encode(chainID)
        encoder.encodeFixed(initiatorEphemeral)
        encoder.encodeFixed(responderEphemeral)
        return Hash256.of(encoder.bytes)
    }

    /// The bytes `role` signs.
    static func signedBytes(role: Handshake.Role, transcript: Hash256) -> [UInt8] {
        Array("\(label)/auth/\(role.rawValue)".utf8) + transcript.bytes
    }

    /// Per-direction frame keys: BLAKE2b-256 over a direction label, the X25519 secret and the
    /// transcript. (BLAKE2b is a PRF in its secret input; binding the transcript makes the keys
    /// differ whenever anything the peers saw differs.)
    static func frameKeys(
        sharedSecret: [UInt8], transcript: Hash256
    ) -> (initiatorToResponder: [UInt8], responderToInitiator: [UInt8]) {
        func key(_ direction: String) -> [UInt8] {
            Hash256.of(parts: [Array("\(label)/key/\(direction)".utf8), sharedSecret, transcript.bytes]).bytes
        }
        return (key("initiator-to-responder"), key("responder-to-initiator"))
    }
}

import HMNPrimitives

/// The first, cleartext message of each side: who we think we are talking to (chain, version) and
/// the ephemeral X25519 key for this connection. Canonical encoding:
/// `"HMNT" ‖ version:UInt16 ‖ chainID:String ‖ ephemeral:32 bytes`.
struct HandshakeHello: CanonicalCodable, Hashable, Sendable {
    /// Lets a listener reject a stray protocol (an HTTP client, a port scanner) at the first frame.
    static let magic: [UInt8] = Array("HMNT".utf8)
    static let maxChainIDBytes = 128

    var version: UInt16
    var chainID: String
    var ephemeralKey: [UInt8]

    init(version: UInt16, chainID: String, ephemeralKey: [UInt8]) {
        self.version = version
        self.chainID = chainID
        self.ephemeralKey = ephemeralKey
    }

    init(from decoder: inout CanonicalDecoder) throws(CodecError) {
        let start = decoder.offset
        guard try decoder.decodeFixed(count: Self.magic.count) == Self.magic else {
            throw CodecError(.invalidValue, offset: start, "missing HMNT magic: not an HMN transport hello")
        }
        version = try decoder.decode(UInt16.self)
        chainID = try decoder.decode(String.self, maxLength: Self.maxChainIDBytes)
        ephemeralKey = try decoder.decodeFixed(count: EphemeralKeyPair.byteCount)
    }

    func encode(to encoder: inout CanonicalEncoder) {
        encoder.encodeFixed(Self.magic)
        encoder.encode(version)
        encoder.encode(chainID)
        encoder.encodeFixed(ephemeralKey)
    }
}

/// The sealed handshake messages, sent under the session keys: one-byte tag, then the body.
enum HandshakeSealedMessage: CanonicalCodable, Hashable, Sendable {
    /// The sender's long-term key and its signature over the role-labelled transcript.
    case auth(PublicKey, Signature)
    /// The responder accepted the initiator; application frames may flow.
    case ready

    init(from decoder: inout CanonicalDecoder) throws(CodecError) {
        let start = decoder.offset
        switch try decoder.decode(UInt8.self) {
        case 1: self = .auth(try decoder.decode(PublicKey.self), try decoder.decode(Signature.self))
        case 2: self = .ready
        case let tag: throw CodecError(.unknownTag, offset: start, "unknown sealed handshake tag \(tag)")
        }
    }

    func encode(to encoder: inout CanonicalEncoder) {
        switch self {
        case let .auth(key, signature):
            encoder.encode(UInt8(1))
            encoder.encode(key)
            encoder.encode(signature)
        case .ready:
            encoder.encode(UInt8(2))
        }
    }
}

extension TransportError {
    /// A decoding failure of a peer's handshake message.
    init(malformed what: String, _ error: CodecError) {
        self.init(.malformedMessage, "\(what): \(error)")
    }
}

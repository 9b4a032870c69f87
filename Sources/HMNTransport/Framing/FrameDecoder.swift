import NIOCore

/// Splits a byte stream into length-prefixed frames: a big-endian `UInt32` length, then that many
/// bytes.
///
/// The length is checked against the limit as soon as its four bytes have arrived, before the
/// payload is waited for, so a hostile prefix can never make the receiver buffer more than one
/// limit's worth. The limit has two phases: the first `handshakeFrameCount` frames (the
/// unauthenticated handshake) may hold at most `handshakeFrameLimit` bytes; later frames
/// `sessionFrameLimit`. Counting frames instead of signalling the switch from the async side
/// removes the race where a session frame is decoded before the handshake has been processed.
///
/// A pure value type: no I/O, so it is unit-tested by feeding it buffers split at random points.
public struct FrameDecoder: Sendable {
    /// Bytes of the length prefix.
    public static let headerByteCount = 4

    public let handshakeFrameLimit: Int
    public let handshakeFrameCount: Int
    public let sessionFrameLimit: Int
    /// Frames produced so far.
    public private(set) var framesDecoded = 0

    public init(handshakeFrameLimit: Int, handshakeFrameCount: Int, sessionFrameLimit: Int) {
        precondition(handshakeFrameLimit >= 0 && sessionFrameLimit >= 0 && handshakeFrameCount >= 0)
        precondition(sessionFrameLimit <= Int(UInt32.max), "frame limit must fit the UInt32 prefix")
        self.handshakeFrameLimit = handshakeFrameLimit
        self.handshakeFrameCount = handshakeFrameCount
        self.sessionFrameLimit = sessionFrameLimit
    }

    /// One limit for every frame (no handshake phase).
    public init(frameLimit: Int) {
        self.init(handshakeFrameLimit: frameLimit, handshakeFrameCount: 0, sessionFrameLimit: frameLimit)
    }

    /// The limit that applies to the next frame.
    public var currentLimit: Int { framesDecoded < handshakeFrameCount ? handshakeFrameLimit : sessionFrameLimit }

    /// Removes and returns the next whole frame's payload from `buffer`, or `nil` if more bytes are
    /// needed (nothing is consumed then). Throws `oversizeFrame` as soon as a prefix exceeds the
    /// current limit; the stream is unusable afterwards and the connection must be closed.
    public mutating func decode(_ buffer: inout ByteBuffer) throws(TransportError) -> ByteBuffer? {
        guard let length = buffer.getInteger(at: buffer.readerIndex, as: UInt32.self) else { return nil }
        let limit = currentLimit
        guard Int(length) <= limit else {
            throw TransportError(
                .oversizeFrame,
                "frame \(framesDecoded) announces \(length) bytes, limit \(limit)")
        }
        guard buffer.readableBytes >= Self.headerByteCount + Int(length) else { return nil }
        buffer.moveReaderIndex(forwardBy: Self.headerByteCount)
        framesDecoded += 1
        return buffer.readSlice(length: Int(length))
    }

    /// Appends one frame (prefix and payload) to `buffer`.
    public static func encode(_ payload: some Collection<UInt8>, into buffer: inout ByteBuffer) {
        precondition(payload.count <= Int(UInt32.max), "frame payload too long for its prefix")
        buffer.writeInteger(UInt32(payload.count))
        buffer.writeBytes(payload)
    }
}

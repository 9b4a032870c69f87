import NIOCore

/// The NIO pipeline face of ``FrameDecoder``: emits one `ByteBuffer` per frame (a slice, no copy)
/// and fails the channel with ``TransportError/Code/oversizeFrame`` on a hostile length prefix.
public final class FrameDecoderHandler: ByteToMessageDecoder {
    public typealias InboundOut = ByteBuffer

    private var decoder: FrameDecoder

    public init(_ decoder: FrameDecoder) { self.decoder = decoder }

    public func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let frame = try decoder.decode(&buffer) else { return .needMoreData }
        context.fireChannelRead(Self.wrapInboundOut(frame))
        return .continue
    }

    public func decodeLast(
        context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool
    ) throws -> DecodingState {
        // Deliver whole frames still buffered; a partial frame at EOF is discarded.
        while let frame = try decoder.decode(&buffer) {
            context.fireChannelRead(Self.wrapInboundOut(frame))
        }
        return .needMoreData
    }
}

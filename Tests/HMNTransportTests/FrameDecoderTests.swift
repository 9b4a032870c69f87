import HMNPrimitives
import NIOCore
import Testing

@testable import HMNTransport

@Suite("FrameDecoder")
struct FrameDecoderTests {
    @Test("frames survive any split of the byte stream", arguments: [1, 2, 3, 4, 5])
    func randomSplits(seed: UInt64) throws {
        var random = SeededGenerator(seed: seed)
        let payloads = (0..<20).map { _ in
            (0..<Int.random(in: 0...300, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
        }
        var stream = ByteBuffer()
        for payload in payloads { FrameDecoder.encode(payload, into: &stream) }
        let bytes = Array(stream.readableBytesView)

        var decoder = FrameDecoder(frameLimit: 300)
        var pending = ByteBuffer()
        var decoded: [[UInt8]] = []
        var offset = 0
        while offset < bytes.count {
            let chunk = min(Int.random(in: 1...64, using: &random), bytes.count - offset)
            pending.writeBytes(bytes[offset..<offset + chunk])
            offset += chunk
            while let frame = try decoder.decode(&pending) { decoded.append(Array(frame.readableBytesView)) }
        }
        #expect(decoded == payloads)
        #expect(pending.readableBytes == 0)
        #expect(decoder.framesDecoded == payloads.count)
    }

    @Test("an oversize prefix is rejected from its four bytes alone")
    func oversizeBeforePayload() {
        var decoder = FrameDecoder(frameLimit: 1024)
        var buffer = ByteBuffer()
        buffer.writeInteger(UInt32(1025))
        #expect(throws: TransportError(.oversizeFrame, "frame 0 announces 1025 bytes, limit 1024")) {
            _ = try decoder.decode(&buffer)
        }
        var huge = ByteBuffer()
        huge.writeInteger(UInt32.max)
        var fresh = FrameDecoder(frameLimit: 1024)
        #expect(
            performing: { _ = try fresh.decode(&huge) }, throws: { ($0 as? TransportError)?.code == .oversizeFrame })
    }

    @Test("a partial frame consumes nothing")
    func partialFrame() throws {
        var decoder = FrameDecoder(frameLimit: 100)
        var buffer = ByteBuffer()
        buffer.writeInteger(UInt32(10))
        buffer.writeBytes([1, 2, 3])
        #expect(try decoder.decode(&buffer) == nil)
        #expect(buffer.readableBytes == 7)
        buffer.writeBytes([4, 5, 6, 7, 8, 9, 10])
        #expect(try decoder.decode(&buffer).map { Array($0.readableBytesView) } == Array(1...10))
        var header = ByteBuffer(bytes: [0, 0])
        #expect(try decoder.decode(&header) == nil)
        #expect(header.readableBytes == 2)
    }

    @Test("the handshake limit applies to the first frames only")
    func phases() throws {
        var decoder = FrameDecoder(handshakeFrameLimit: 8, handshakeFrameCount: 2, sessionFrameLimit: 64)
        var buffer = ByteBuffer()
        for size in [8, 8, 64] { FrameDecoder.encode([UInt8](repeating: 7, count: size), into: &buffer) }
        #expect(try decoder.decode(&buffer)?.readableBytes == 8)
        #expect(decoder.currentLimit == 8)
        #expect(try decoder.decode(&buffer)?.readableBytes == 8)
        #expect(decoder.currentLimit == 64)
        #expect(try decoder.decode(&buffer)?.readableBytes == 64)

        var early = FrameDecoder(handshakeFrameLimit: 8, handshakeFrameCount: 2, sessionFrameLimit: 64)
        var big = ByteBuffer()
        FrameDecoder.encode([UInt8](repeating: 0, count: 9), into: &big)
        #expect(performing: { _ = try early.decode(&big) }, throws: { ($0 as? TransportError)?.code == .oversizeFrame })
    }

    @Test("an empty frame is a frame")
    func emptyFrame() throws {
        var decoder = FrameDecoder(frameLimit: 4)
        var buffer = ByteBuffer(bytes: [0, 0, 0, 0])
        #expect(try decoder.decode(&buffer)?.readableBytes == 0)
        #expect(buffer.readableBytes == 0)
    }
}

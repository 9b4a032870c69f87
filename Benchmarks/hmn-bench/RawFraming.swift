import HMNTransport
import NIOCore
import NIOPosix

/// The baseline for `hmn-bench transport`: the same length-prefixed framing
/// (``FrameDecoderHandler``) over NIO async channels, with no handshake and no encryption.
///
/// The client's first frame says what to do: an 8-byte count `n > 0` asks for a 1-byte ack after
/// `n` further frames; `0` asks for every frame to be echoed.
enum RawFraming {
    typealias Channel = NIOAsyncChannel<ByteBuffer, ByteBuffer>

    static func withServer<T>(maxFrameBytes: Int, _ body: (Int) async throws -> T) async throws -> T {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .bind(host: "127.0.0.1", port: 0) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        ByteToMessageHandler(FrameDecoderHandler(FrameDecoder(frameLimit: maxFrameBytes))))
                    return try Channel(wrappingChannelSynchronously: channel)
                }
            }
        let port = server.channel.localAddress!.port!
        let serving = Task {
            try await server.executeThenClose { inbound in
                for try await connection in inbound {
                    try await connection.executeThenClose { frames, outbound in
                        var iterator = frames.makeAsyncIterator()
                        guard let command = try await iterator.next()?.getInteger(at: 0, as: UInt64.self) else {
                            return
                        }
                        var received: UInt64 = 0
                        while let frame = try await iterator.next() {
                            if command == 0 {
                                try await outbound.write(framed(frame))
                            } else {
                                received += 1
                                if received == command { try await outbound.write(framed(ByteBuffer(bytes: [1]))) }
                            }
                        }
                    }
                    return
                }
            }
        }
        let result = try await body(port)
        serving.cancel()
        _ = try? await serving.value
        return result
    }

    static func framed(_ payload: ByteBuffer) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(4 + payload.readableBytes)
        buffer.writeInteger(UInt32(payload.readableBytes))
        var payload = payload
        buffer.writeBuffer(&payload)
        return buffer
    }

    static func connect(port: Int, maxFrameBytes: Int) async throws -> Channel {
        try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        ByteToMessageHandler(FrameDecoderHandler(FrameDecoder(frameLimit: maxFrameBytes))))
                    return try Channel(wrappingChannelSynchronously: channel)
                }
            }
    }

    static func throughput(size: Int, count: Int) async throws -> Double {
        try await withServer(maxFrameBytes: max(size, 1024)) { port in
            let client = try await connect(port: port, maxFrameBytes: 1024)
            return try await client.executeThenClose { inbound, outbound in
                var iterator = inbound.makeAsyncIterator()
                var command = ByteBuffer()
                command.writeInteger(UInt64(count))
                try await outbound.write(framed(command))
                let payload = ByteBuffer(repeating: 0xAB, count: size)
                let start = ContinuousClock.now
                // Each message gets its own buffer, as the secure writer allocates one per frame.
                for _ in 0..<count { try await outbound.write(framed(payload)) }
                _ = try await iterator.next()
                return TransportBench.seconds(ContinuousClock.now - start)
            }
        }
    }

    static func roundTrips(count: Int) async throws -> [Double] {
        try await withServer(maxFrameBytes: 1024) { port in
            let client = try await connect(port: port, maxFrameBytes: 1024)
            return try await client.executeThenClose { inbound, outbound in
                var iterator = inbound.makeAsyncIterator()
                var command = ByteBuffer()
                command.writeInteger(UInt64(0))
                try await outbound.write(framed(command))
                let payload = ByteBuffer(repeating: 7, count: 64)
                var samples: [Double] = []
                for index in 0..<count + 200 {
                    let start = ContinuousClock.now
                    try await outbound.write(framed(payload))
                    _ = try await iterator.next()
                    if index >= 200 { samples.append(TransportBench.seconds(ContinuousClock.now - start)) }
                }
                return samples
            }
        }
    }
}

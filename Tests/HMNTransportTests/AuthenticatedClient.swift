import HMNPrimitives
import NIOCore
import NIOPosix

@testable import HMNTransport

/// A hand-driven peer: it dials, runs a genuine handshake, then lets a test misbehave (stop
/// reading, send oversize or forged frames) in ways a well-behaved ``NetworkTransport`` never does.
enum AuthenticatedClient {
    typealias Body<T> = (
        _ session: inout SecureSession,
        _ iterator: inout NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator,
        _ outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    ) async throws -> T

    static func run<T: Sendable>(
        as key: SigningKey, to peer: PeerAddress, chainID: String = "hmn-test", sessionFrameLimit: Int = 8 << 20,
        _ body: Body<T>
    ) async throws -> T {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: peer.host, port: peer.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NetworkTransport.makeFrameChannel(
                        channel, role: .initiator, sessionFrameLimit: sessionFrameLimit)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            var iterator = inbound.makeAsyncIterator()
            var handshake = Handshake(
                role: .initiator, configuration: HandshakeConfiguration(signingKey: key, chainID: chainID),
                expectedPeer: peer.key)
            var session: SecureSession?
            var actions = handshake.start()
            while true {
                for action in actions {
                    switch action {
                    case let .send(payload):
                        var buffer = ByteBuffer()
                        FrameDecoder.encode(payload, into: &buffer)
                        try await outbound.write(buffer)
                    case let .established(established): session = established
                    }
                }
                if session != nil { break }
                guard let frame = try await iterator.next() else {
                    throw TransportError(.connectionClosed, "closed during the handshake")
                }
                actions = try handshake.receive(Array(frame.readableBytesView))
            }
            var established = session!
            return try await body(&established, &iterator, outbound)
        }
    }

    /// Writes one sealed application frame.
    static func sendSealed(
        _ message: [UInt8], session: inout SecureSession, outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    ) async throws {
        var buffer = ByteBuffer()
        FrameDecoder.encode(try session.sealer.seal(message), into: &buffer)
        try await outbound.write(buffer)
    }

    /// Reads until the server closes the connection; returns whether it did so within `timeout`.
    static func awaitClose(
        _ iterator: inout NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator, timeout: Duration = .seconds(5)
    ) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        do {
            while ContinuousClock.now < deadline {
                guard try await iterator.next() != nil else { return true }
            }
        } catch {
            return true
        }
        return false
    }
}

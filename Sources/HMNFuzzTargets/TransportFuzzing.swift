import HMNPrimitives
import HMNTransport
import NIOCore

/// Transport inputs: the byte stream before authentication is the most exposed surface.
enum TransportFuzzing {
    /// The frame decoder over the input, split into chunks whose sizes the input's first byte picks,
    /// with the production limits. Every frame must respect the limit that applied to it.
    static func frames(_ bytes: [UInt8]) {
        guard let first = bytes.first else { return }
        let chunk = Int(first % 17) + 1
        var decoder = FrameDecoder(handshakeFrameLimit: 256, handshakeFrameCount: 2, sessionFrameLimit: 4096)
        var buffer = ByteBuffer()
        var offset = 1
        while offset < bytes.count {
            let end = min(bytes.count, offset + chunk)
            buffer.writeBytes(bytes[offset..<end])
            offset = end
            do {
                while true {
                    let limit = decoder.currentLimit
                    guard let frame = try decoder.decode(&buffer) else { break }
                    precondition(frame.readableBytes <= limit, "frame over its limit was delivered")
                }
            } catch {
                return
            }
        }
    }

    /// A responder handshake fed attacker-chosen frames (split on 0xFF 0xFF markers): it must
    /// reject them with a typed error and never report an established session.
    static func handshake(_ bytes: [UInt8]) {
        let configuration = HandshakeConfiguration(signingKey: key, chainID: "fuzz")
        var machine = Handshake(role: .responder, configuration: configuration)
        _ = machine.start()
        for frame in bytes.split(separator: 0xFF, omittingEmptySubsequences: false).prefix(4) {
            do {
                _ = try machine.receive(Array(frame))
            } catch {
                return
            }
        }
        precondition(!machine.isEstablished, "a handshake completed without a valid peer signature")
    }

    // A fixed seed of the right length cannot fail.
    private static let key = try! SigningKey(seed: [UInt8](repeating: 7, count: 32))
}

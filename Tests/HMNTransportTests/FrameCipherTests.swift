import HMNPrimitives
import Testing

@testable import HMNTransport

@Suite("FrameCipher")
struct FrameCipherTests {
    let key = Hash256.of(Array("frame key".utf8)).bytes

    @Test("sealed frames open in order, including empty ones")
    func roundTrip() throws {
        var sealer = FrameSealer(key: key)
        var opener = FrameOpener(key: key)
        for message: [UInt8] in [[], [1], Array(repeating: 9, count: 1000)] {
            let sealed = try sealer.seal(message)
            #expect(sealed.count == message.count + FrameSealer.overheadByteCount)
            #expect(try opener.open(sealed) == message)
        }
        #expect(sealer.counter == 3 && opener.counter == 3)
    }

    @Test("the same plaintext seals differently at each counter")
    func noNonceReuse() throws {
        var sealer = FrameSealer(key: key)
        #expect(try sealer.seal([1, 2, 3]) != sealer.seal([1, 2, 3]))
    }

    @Test("a flipped bit anywhere fails authentication and does not advance the counter")
    func tamper() throws {
        var sealer = FrameSealer(key: key)
        let sealed = try sealer.seal(Array("hello".utf8))
        for index in sealed.indices {
            var opener = FrameOpener(key: key)
            var tampered = sealed
            tampered[index] ^= 0x01
            #expect(
                performing: { _ = try opener.open(tampered) },
                throws: { ($0 as? TransportError)?.code == .authenticationFailed })
            #expect(opener.counter == 0)
        }
    }

    @Test("replayed, reordered and short frames are refused")
    func replayAndReorder() throws {
        var sealer = FrameSealer(key: key)
        let first = try sealer.seal([1])
        let second = try sealer.seal([2])
        var opener = FrameOpener(key: key)
        #expect(
            performing: { _ = try opener.open(second) },
            throws: { ($0 as? TransportError)?.code == .authenticationFailed })
        #expect(try opener.open(first) == [1])
        #expect(
            performing: { _ = try opener.open(first) },
            throws: { ($0 as? TransportError)?.code == .authenticationFailed })
        #expect(
            performing: { _ = try opener.open([1, 2, 3]) },
            throws: { ($0 as? TransportError)?.code == .malformedMessage })
    }

    @Test("another key cannot open the frame")
    func wrongKey() throws {
        var sealer = FrameSealer(key: key)
        var opener = FrameOpener(key: Hash256.of([1]).bytes)
        let sealed = try sealer.seal([42])
        #expect(
            performing: { _ = try opener.open(sealed) },
            throws: { ($0 as? TransportError)?.code == .authenticationFailed })
    }

    @Test("ephemeral X25519 agreement is symmetric and refuses low-order points")
    func ephemeral() throws {
        let a = testEphemeral(1)
        let b = testEphemeral(2)
        #expect(try a.sharedSecret(with: b.publicKey) == b.sharedSecret(with: a.publicKey))
        #expect(
            performing: { _ = try a.sharedSecret(with: [UInt8](repeating: 0, count: 32)) },
            throws: {
                ($0 as? TransportError)?.code == .cryptoFailure
            })
        #expect(
            performing: { _ = try a.sharedSecret(with: [1, 2]) },
            throws: { ($0 as? TransportError)?.code == .malformedMessage })
        #expect(EphemeralKeyPair.generate().publicKey != EphemeralKeyPair.generate().publicKey)
    }
}

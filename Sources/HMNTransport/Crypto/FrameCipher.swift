internal import CSodium

/// The AEAD used for every frame after the handshake: ChaCha20-Poly1305 (IETF, RFC 8439) with a
/// 96-bit nonce built from a per-direction 64-bit counter (`0x00000000 ‖ counter` big-endian).
///
/// Each direction has its own key, so the two sides never reuse a (key, nonce) pair; the receiver
/// expects the next counter value, so a replayed, dropped or reordered frame fails authentication
/// and closes the connection (TCP already delivers in order, so this only fires under attack).
enum FrameCipher {
    static let keyByteCount = 32
    static let tagByteCount = 16
    static let nonceByteCount = 12

    static func nonce(_ counter: UInt64) -> [UInt8] {
        var nonce = [UInt8](repeating: 0, count: nonceByteCount)
        withUnsafeBytes(of: counter.bigEndian) { raw in
            for index in 0..<8 { nonce[4 + index] = raw[index] }
        }
        return nonce
    }
}

/// Encrypts one direction of a session. Not copyable across tasks by accident: it is a value type
/// whose counter must advance exactly once per frame, so each direction lives in one task.
public struct FrameSealer: Sendable {
    private let key: [UInt8]
    /// The counter of the next frame this sealer produces.
    public private(set) var counter: UInt64 = 0

    init(key: [UInt8]) {
        precondition(key.count == FrameCipher.keyByteCount, "frame key must be 32 bytes")
        self.key = key
    }

    /// Bytes a sealed frame adds to its plaintext (the Poly1305 tag).
    public static let overheadByteCount = FrameCipher.tagByteCount

    /// Seals `plaintext` into `output`, which must hold exactly `plaintext.count + 16` bytes.
    public mutating func seal(
        _ plaintext: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer
    ) throws(TransportError) {
        precondition(output.count == plaintext.count + FrameCipher.tagByteCount, "output size mismatch")
        guard counter < UInt64.max else {
            throw TransportError(.counterExhausted, "send counter exhausted after \(counter) frames")
        }
        let nonce = FrameCipher.nonce(counter)
        var written: UInt64 = 0
        let status = crypto_aead_chacha20poly1305_ietf_encrypt(
            output.baseAddress!.assumingMemoryBound(to: UInt8.self), &written,
            plaintext.baseAddress?.assumingMemoryBound(to: UInt8.self), UInt64(plaintext.count),
            nil, 0, nil, nonce, key)
        guard status == 0, Int(written) == output.count else {
            throw TransportError(.cryptoFailure, "crypto_aead_chacha20poly1305_ietf_encrypt failed")
        }
        counter += 1
    }

    /// Seals `plaintext` and returns the ciphertext with its tag.
    public mutating func seal(_ plaintext: [UInt8]) throws(TransportError) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: plaintext.count + FrameCipher.tagByteCount)
        let result: Result<Void, TransportError> = plaintext.withUnsafeBytes { input in
            output.withUnsafeMutableBytes { out in
                do throws(TransportError) { return .success(try seal(input, into: out)) } catch {
                    return .failure(error)
                }
            }
        }
        try result.get()
        return output
    }
}

/// Decrypts and authenticates one direction of a session.
public struct FrameOpener: Sendable {
    private let key: [UInt8]
    /// The counter the next frame must have been sealed with.
    public private(set) var counter: UInt64 = 0

    init(key: [UInt8]) {
        precondition(key.count == FrameCipher.keyByteCount, "frame key must be 32 bytes")
        self.key = key
    }

    /// Authenticates and decrypts one sealed frame. On failure nothing is returned and the counter
    /// does not advance; the caller must close the connection.
    public mutating func open(_ sealed: UnsafeRawBufferPointer) throws(TransportError) -> [UInt8] {
        guard sealed.count >= FrameCipher.tagByteCount else {
            throw TransportError(.malformedMessage, "sealed frame of \(sealed.count) bytes is shorter than its tag")
        }
        guard counter < UInt64.max else {
            throw TransportError(.counterExhausted, "receive counter exhausted after \(counter) frames")
        }
        let nonce = FrameCipher.nonce(counter)
        // Uninitialised storage (decrypt overwrites it; on failure libsodium zeroes it and the array
        // is discarded); at least one byte so that the buffer has an address for an empty message.
        let capacity = max(1, sealed.count - FrameCipher.tagByteCount)
        var status: Int32 = -1
        let plaintext = [UInt8](unsafeUninitializedCapacity: capacity) { out, initialized in
            var written: UInt64 = 0
            status = crypto_aead_chacha20poly1305_ietf_decrypt(
                out.baseAddress, &written, nil,
                sealed.baseAddress!.assumingMemoryBound(to: UInt8.self), UInt64(sealed.count),
                nil, 0, nonce, key)
            initialized = status == 0 ? Int(written) : 0
        }
        guard status == 0 else {
            throw TransportError(.authenticationFailed, "frame \(counter) failed authentication")
        }
        counter += 1
        return plaintext
    }

    /// Authenticates and decrypts one sealed frame held in an array.
    public mutating func open(_ sealed: [UInt8]) throws(TransportError) -> [UInt8] {
        let result: Result<[UInt8], TransportError> = sealed.withUnsafeBytes { raw in
            do throws(TransportError) { return .success(try open(raw)) } catch { return .failure(error) }
        }
        return try result.get()
    }
}

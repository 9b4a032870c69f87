/// A cryptographic check that failed. Each case names the exact rule that was broken.
public struct CryptoError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Code: String, Hashable, Sendable {
        /// A key, seed or signature had the wrong number of bytes.
        case wrongLength
        /// A public key is not a canonical encoding of a point in the prime-order subgroup,
        /// or is of small order (such keys make forgeries trivial).
        case invalidPublicKey
        /// The signature does not verify, or its `S` half is not canonical (`S ≥ L`).
        case badSignature
        /// libsodium reported an internal failure.
        case libraryFailure
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "CryptoError.\(code.rawValue): \(message)" }
}

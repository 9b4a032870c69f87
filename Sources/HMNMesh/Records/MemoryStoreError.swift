/// A rejected vector-store operation. Every bad input gets one of these and leaves the store unchanged.
public struct MemoryStoreError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A stable code callers can switch over.
    public enum Code: String, Hashable, Sendable {
        /// The vector's length differs from the store's dimension.
        case wrongDimension
        /// A component is NaN or infinite.
        case nonFiniteComponent
        /// A zero vector under the cosine metric (it has no direction).
        case zeroVector
        /// A record with this id already exists with an equal or newer version.
        case staleVersion
        /// The payload exceeds the store's byte limit.
        case payloadTooLarge
        /// `k` is not positive or exceeds the store's maximum.
        case invalidK
        /// `efSearch` is smaller than `k`, or a parameter is out of range.
        case invalidParameter
        /// No record has this id.
        case notFound
        /// A memory proof does not match its record or does not verify.
        case invalidProof
        /// The record carries no author signature, or it does not verify.
        case invalidSignature
        /// A new version of a record names another author than the stored one.
        case authorMismatch
        /// The store's files are unreadable or inconsistent.
        case storage
        /// A store kept on a server (HMNMilvus) could not reach it or got no answer in time. Nothing
        /// this call would have written is acknowledged; a timed-out write may still land later.
        case unavailable
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "MemoryStoreError.\(code.rawValue): \(message)" }
}

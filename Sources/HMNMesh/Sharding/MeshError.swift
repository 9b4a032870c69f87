/// A rejected memory-mesh operation: a bad shard-map change, a malformed or oversize gossip message,
/// or invalid data from a peer. Every bad input gets one of these and changes nothing.
public struct MeshError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A stable code callers can switch over.
    public enum Code: String, Hashable, Sendable {
        /// A shard-map proposal was built on another map version.
        case versionMismatch
        /// A shard-map change is inconsistent (unknown node or shard, wrong dimension, bad value).
        case invalidChange
        /// Gossip bytes are larger than the configured limit.
        case oversizeMessage
        /// Gossip bytes do not decode canonically.
        case malformedMessage
        /// A record's memory proof is missing, forged or does not name the record.
        case invalidProof
        /// A record's content hash differs from the one announced or proven.
        case wrongContentHash
        /// A record older than the one held was sent as if new.
        case staleVersion
        /// A vector has the wrong dimension or a non-finite component.
        case invalidVector
        /// A record without its author's valid signature, or a version of a record held under another
        /// author (a forged overwrite).
        case invalidSignature
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "MeshError.\(code.rawValue): \(message)" }
}

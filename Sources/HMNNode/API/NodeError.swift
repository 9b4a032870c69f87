/// Why a node refused a request. The HTTP layer maps ``Code`` to a status (4xx for the caller's
/// fault, 5xx for the node's) and puts ``message`` in the JSON error body.
public struct NodeError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Code: String, Hashable, Sendable {
        /// The bytes or fields do not decode or are out of range.
        case malformed
        /// A signature does not verify.
        case badSignature
        /// Signed for another chain.
        case wrongChain
        /// The transaction breaks a ledger rule (nonce, balance, …) or is already known.
        case rejected
        /// A vector of the wrong dimension, with NaN/∞, or an oversize payload.
        case invalidVector
        /// A bound (mempool, request size) is reached; retry later.
        case overloaded
        /// The node is starting or stopping.
        case unavailable
        /// A storage or internal failure on the node's side.
        case internalError
        /// Stored data failed its integrity check (a ledger row, an SQLite page, the consensus WAL,
        /// the memory store). It is never served; the message names the file and how to recover.
        case corruptStorage
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}

import HMNNode
import Hummingbird

/// A refused request: a stable ``Code``, a message naming the problem and, when one field is at
/// fault, its path. Rendered as an ``ErrorBody`` with the code's HTTP status.
public struct APIError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Why a request was refused. The first group is the caller's fault at the HTTP layer; the
    /// second mirrors ``NodeError/Code`` one for one.
    public enum Code: String, Hashable, Sendable, CaseIterable {
        /// The body is not JSON (syntax error, NaN/Infinity tokens, wrong encoding).
        case invalidJSON
        /// A required field is absent.
        case missingField
        /// A field has the wrong JSON type (string for number, null, …).
        case wrongType
        /// A field has the right type but a bad value (bad hex, out of range, bad base64).
        case invalidValue
        /// The body exceeds the server's limit.
        case payloadTooLarge
        /// No such route, or no such object (block, transaction, account, proof).
        case notFound

        case malformed
        case badSignature
        case wrongChain
        case rejected
        case invalidVector
        case overloaded
        case unavailable
        case internalError
        case corruptStorage

        /// The HTTP status this code is answered with.
        public var status: HTTPResponse.Status {
            switch self {
            case .invalidJSON, .missingField, .wrongType, .invalidValue, .malformed, .badSignature, .wrongChain,
                .invalidVector:
                .badRequest
            case .payloadTooLarge: .contentTooLarge
            case .notFound: .notFound
            // Well-formed and signed, but breaks a ledger rule (nonce, balance, duplicate).
            case .rejected: .unprocessableContent
            case .overloaded: .tooManyRequests
            case .unavailable: .serviceUnavailable
            case .internalError, .corruptStorage: .internalServerError
            }
        }
    }

    public var code: Code
    public var message: String
    public var field: String?

    public init(_ code: Code, _ message: String, field: String? = nil) {
        self.code = code
        self.message = message
        self.field = field
    }

    /// The API error for a node's refusal (same code name, same message).
    public init(_ error: NodeError) {
        let code: Code =
            switch error.code {
            case .malformed: .malformed
            case .badSignature: .badSignature
            case .wrongChain: .wrongChain
            case .rejected: .rejected
            case .invalidVector: .invalidVector
            case .overloaded: .overloaded
            case .unavailable: .unavailable
            case .internalError: .internalError
            case .corruptStorage: .corruptStorage
            }
        self.init(code, error.message)
    }

    public var status: HTTPResponse.Status { code.status }

    public var body: ErrorBody { ErrorBody(error: .init(code: code.rawValue, message: message, field: field)) }

    public var description: String { "\(code.rawValue): \(message)" }
}

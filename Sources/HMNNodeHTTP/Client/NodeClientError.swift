/// Why a ``NodeClient`` call failed: the server refused (with its JSON error body), the server
/// could not be reached, or its answer did not decode.
public struct NodeClientError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Code: String, Hashable, Sendable {
        /// The server answered with an error status; ``status`` and ``serverError`` say why.
        case server
        /// No answer: connection refused, timeout, DNS.
        case transport
        /// An answer that is not the expected JSON.
        case invalidResponse
    }

    public var code: Code
    public var message: String
    /// HTTP status, when the server answered.
    public var status: Int?
    /// The server's error body, when it sent one.
    public var serverError: ErrorBody.Detail?

    public init(_ code: Code, _ message: String, status: Int? = nil, serverError: ErrorBody.Detail? = nil) {
        self.code = code
        self.message = message
        self.status = status
        self.serverError = serverError
    }

    public var description: String {
        if let serverError {
            return "HTTP \(status.map(String.init) ?? "?") \(serverError.code): \(serverError.message)"
        }
        return "\(code.rawValue): \(message)"
    }
}

/// A failure of the Milvus server or of the way to it, as opposed to a refused input (those are
/// ``HMNMesh/MemoryStoreError``, exactly as the embedded store throws them).
///
/// Whatever the code, a call that throws acknowledged nothing: a write is acknowledged only when
/// it returns. After ``Code/timeout`` a write's outcome is unknown (Milvus may apply it later);
/// after ``Code/unavailable`` it never reached the server.
public struct MilvusError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A stable code callers can switch over.
    public enum Code: String, Hashable, Sendable {
        /// The server could not be reached (connection refused, host unknown, connection lost
        /// before a reply). Nothing was written.
        case unavailable
        /// No reply within the request timeout, or a write did not become searchable within the
        /// visibility timeout. The write's outcome is unknown.
        case timeout
        /// Milvus answered with an error code (`context.milvusCode`) and message.
        case server
        /// The reply was not the JSON the REST v1 API defines (a proxy or another service on the port?).
        case badResponse
        /// The collection exists with another dimension, metric or primary key than this store's.
        case schemaMismatch
        /// A row read back does not decode to the record it claims to be.
        case corruptRow
        /// The connection settings are unusable (a URL that does not parse, an empty collection name).
        case invalidConfiguration
    }

    /// Where the failure happened: the REST path and, for ``Code/server``, Milvus's own code.
    public struct Context: Hashable, Sendable {
        public var endpoint: String
        public var milvusCode: Int?
        public var httpStatus: Int?

        public init(endpoint: String, milvusCode: Int? = nil, httpStatus: Int? = nil) {
            self.endpoint = endpoint
            self.milvusCode = milvusCode
            self.httpStatus = httpStatus
        }
    }

    public var code: Code
    public var message: String
    public var context: Context?
    /// The underlying failure, as text (a `URLError` is not `Sendable` on every platform).
    public var cause: String?
    public var file: String
    public var line: UInt

    public init(
        _ code: Code, _ message: String, context: Context? = nil, cause: String? = nil,
        file: String = #fileID, line: UInt = #line
    ) {
        self.code = code
        self.message = message
        self.context = context
        self.cause = cause
        self.file = file
        self.line = line
    }

    public var description: String {
        var text = "MilvusError.\(code.rawValue): \(message)"
        if let context {
            text += " [\(context.endpoint)"
            if let milvusCode = context.milvusCode { text += ", milvus code \(milvusCode)" }
            if let httpStatus = context.httpStatus { text += ", HTTP \(httpStatus)" }
            text += "]"
        }
        if let cause { text += " (cause: \(cause))" }
        return text
    }
}

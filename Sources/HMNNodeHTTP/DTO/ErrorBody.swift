/// The JSON body of every error response: `{"error": {"code": "...", "message": "...", "field": "..."}}`.
public struct ErrorBody: Codable, Hashable, Sendable {
    public struct Detail: Codable, Hashable, Sendable {
        /// A stable machine-readable reason (an ``APIError/Code`` raw value).
        public var code: String
        /// What is wrong, for people.
        public var message: String
        /// The request field at fault (dotted path), when one is.
        public var field: String?

        public init(code: String, message: String, field: String? = nil) {
            self.code = code
            self.message = message
            self.field = field
        }
    }

    public var error: Detail

    public init(error: Detail) { self.error = error }
}

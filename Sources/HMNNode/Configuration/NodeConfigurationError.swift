/// Why a node's home directory, configuration, genesis or key file cannot be used.
public struct NodeConfigurationError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Code: String, Hashable, Sendable {
        /// A required file does not exist.
        case missingFile
        /// A file exists but does not parse (JSON syntax, wrong types, bad hex).
        case malformedFile
        /// A value parses but is out of range or inconsistent.
        case invalidValue
        /// A file or directory could not be read or written.
        case io
        /// Another process (a running node) holds the data directory's lock.
        case locked
    }

    public var code: Code
    public var message: String
    /// The file concerned, when there is one.
    public var path: String?

    public init(_ code: Code, _ message: String, path: String? = nil) {
        self.code = code
        self.message = message
        self.path = path
    }

    public var description: String {
        "\(code.rawValue): \(message)" + (path.map { " (\($0))" } ?? "")
    }
}

/// Why a devnet operation failed.
public struct DevnetError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Code: String, Hashable, Sendable {
        /// A file or directory could not be read or written.
        case io
        /// The `hmn` executable could not be started.
        case launchFailed
        /// A condition was not reached in time.
        case timeout
        /// The devnet directory holds something else than a testnet.
        case invalidLayout
        /// A node answered with an error.
        case node
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}

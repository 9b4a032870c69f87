import HMNPrimitives

/// A failure of the consensus engine or its write-ahead log.
///
/// Bad input from peers is not an error of this kind: the engine drops it and logs why. These
/// errors stop a node (a broken application, an unusable WAL, an invalid configuration).
public struct ConsensusError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Code: String, Hashable, Sendable {
        case invalidConfiguration
        case invalidValidatorUpdate
        case applicationFailed
        case walCorrupt
        case walIO
        case walBehindApplication
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "ConsensusError.\(code.rawValue): \(message)" }
}

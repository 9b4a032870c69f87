/// A failure to decode canonical bytes.
///
/// Decoding never traps and never allocates more than the input can justify: every length is
/// checked against the bytes that remain and against the caller's limit before anything is read.
public struct CodecError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong, as a stable code callers can switch over.
    public enum Code: String, Hashable, Sendable {
        /// The input ended before the value did.
        case truncated
        /// Bytes remained after the value was fully decoded.
        case trailingBytes
        /// A length prefix exceeded the allowed maximum.
        case oversizeLength
        /// A tag byte names no known variant.
        case unknownTag
        /// A value was syntactically well formed but semantically invalid (e.g. a non-0/1 bool).
        case invalidValue
    }

    public var code: Code
    /// Byte offset in the input where the problem was found.
    public var offset: Int
    /// A human-readable explanation naming the field or type involved.
    public var message: String

    public init(_ code: Code, offset: Int, _ message: String) {
        self.code = code
        self.offset = offset
        self.message = message
    }

    public var description: String { "CodecError.\(code.rawValue) at byte \(offset): \(message)" }
}

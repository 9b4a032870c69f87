/// Why the workbench refused a scenario, a policy or a run. Every bad input gets one of these,
/// naming the problem (the field, the name, the allowed values), and nothing runs.
public struct WorkbenchError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Code: String, Hashable, Sendable {
        /// No shipped scenario and no file by that name.
        case unknownScenario
        /// No registered policy by that name.
        case unknownPolicy
        /// A policy parameter the policy does not declare.
        case unknownParameter
        /// A parameter value the policy rejects, or a malformed `name:key=value` spec.
        case invalidParameter
        /// The scenario file is not valid JSON or a field has the wrong type or is missing.
        case malformedScenario
        /// The scenario parses but is impossible (N < 1, byzantine ≥ 1/3, a window past the end…).
        case invalidScenario
        /// Reading or writing a file failed.
        case io
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}

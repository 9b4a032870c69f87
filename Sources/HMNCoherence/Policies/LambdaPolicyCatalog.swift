/// One tunable number of a λ policy: its name, its default and what it means.
public struct LambdaPolicyParameter: Hashable, Sendable {
    public var name: String
    public var defaultValue: Double
    public var help: String
    /// Other spellings accepted for it (a node's `config.json` used longer names before this catalog).
    public var aliases: [String]

    public init(_ name: String, _ defaultValue: Double, _ help: String, aliases: [String] = []) {
        self.name = name
        self.defaultValue = defaultValue
        self.help = help
        self.aliases = aliases
    }
}

/// A λ policy that can be built by name from numbers: what a node's configuration and the
/// workbench's policy specs both resolve through, so one policy has one set of parameter names and
/// defaults everywhere.
public struct LambdaPolicyKind: Sendable {
    public let name: String
    public let summary: String
    public let parameters: [LambdaPolicyParameter]
    /// Builds the policy from a value for every parameter (see ``arguments(_:)``).
    public let make: @Sendable ([String: Double]) throws(CoherenceError) -> any LambdaPolicy

    public init(
        name: String, summary: String, parameters: [LambdaPolicyParameter],
        make: @escaping @Sendable ([String: Double]) throws(CoherenceError) -> any LambdaPolicy
    ) {
        self.name = name
        self.summary = summary
        self.parameters = parameters
        self.make = make
    }

    /// Every parameter's value: the given one (under its name or an alias) or its default.
    ///
    /// - Throws: ``CoherenceError/Code/invalidParameter`` for a name the policy does not take, or one
    ///   parameter given under two spellings.
    public func arguments(_ given: [String: Double]) throws(CoherenceError) -> [String: Double] {
        var values: [String: Double] = [:]
        for key in given.keys.sorted() {
            guard let parameter = parameters.first(where: { $0.name == key || $0.aliases.contains(key) }) else {
                throw CoherenceError(
                    .invalidParameter,
                    "policy '\(name)' has no parameter '\(key)'; its parameters: "
                        + (parameters.isEmpty ? "none" : parameters.map(\.name).joined(separator: ", ")))
            }
            guard values[parameter.name] == nil else {
                throw CoherenceError(.invalidParameter, "policy '\(name)': '\(parameter.name)' is given twice")
            }
            values[parameter.name] = given[key]
        }
        for parameter in parameters where values[parameter.name] == nil {
            values[parameter.name] = parameter.defaultValue
        }
        return values
    }

    /// ``arguments(_:)`` then ``make``.
    public func build(_ given: [String: Double]) throws(CoherenceError) -> any LambdaPolicy {
        try make(try arguments(given))
    }
}

/// The four λ policies HMNCoherence ships (SPEC §5), by name, with their parameters.
public enum LambdaPolicyCatalog {
    public static let shipped: [LambdaPolicyKind] = [fixed, threshold, pid, aimd]

    /// The shipped policy called `name`.
    ///
    /// - Throws: ``CoherenceError/Code/invalidParameter`` naming the known policies.
    public static func kind(named name: String) throws(CoherenceError) -> LambdaPolicyKind {
        guard let kind = shipped.first(where: { $0.name == name }) else {
            throw CoherenceError(
                .invalidParameter,
                "unknown λ policy '\(name)'; expected one of \(shipped.map(\.name).joined(separator: ", "))")
        }
        return kind
    }

    static let fixed = LambdaPolicyKind(
        name: "fixed", summary: "always proposes the same λ (the no-adaptation baseline)",
        parameters: [LambdaPolicyParameter("lambda", 1.0, "the λ always proposed")]
    ) { arguments throws(CoherenceError) in try FixedLambdaPolicy(lambda: arguments["lambda"]!) }

    static let threshold = LambdaPolicyKind(
        name: "threshold", summary: "piecewise-constant λ on the newest Ĉ (three bands and a floor)",
        parameters: [
            LambdaPolicyParameter("high", 0.95, "Ĉ floor of the calm band"),
            LambdaPolicyParameter("lambdaHigh", 1.2, "λ in the calm band"),
            LambdaPolicyParameter("mid", 0.85, "Ĉ floor of the middle band"),
            LambdaPolicyParameter("lambdaMid", 0.9, "λ in the middle band"),
            LambdaPolicyParameter("low", 0.7, "Ĉ floor of the low band"),
            LambdaPolicyParameter("lambdaLow", 0.6, "λ in the low band"),
            LambdaPolicyParameter("floor", 0.3, "λ below every band", aliases: ["floorLambda"]),
        ]
    ) { arguments throws(CoherenceError) in
        try ThresholdLambdaPolicy(
            bands: [
                .init(minimumCoherence: arguments["high"]!, lambda: arguments["lambdaHigh"]!),
                .init(minimumCoherence: arguments["mid"]!, lambda: arguments["lambdaMid"]!),
                .init(minimumCoherence: arguments["low"]!, lambda: arguments["lambdaLow"]!),
            ], floorLambda: arguments["floor"]!)
    }

    static let pid = LambdaPolicyKind(
        name: "pid", summary: "PID controller steering Ĉ toward a target, with anti-windup",
        parameters: [
            LambdaPolicyParameter("target", 0.95, "the Ĉ steered toward"),
            LambdaPolicyParameter("kp", 2.0, "proportional gain", aliases: ["proportionalGain"]),
            LambdaPolicyParameter("ki", 0.2, "integral gain", aliases: ["integralGain"]),
            LambdaPolicyParameter("kd", 0.5, "derivative gain", aliases: ["derivativeGain"]),
            LambdaPolicyParameter("baseline", 1.0, "λ on target with no accumulated error"),
            LambdaPolicyParameter("integralLimit", 1.0, "bound on the accumulated error"),
        ]
    ) { arguments throws(CoherenceError) in
        try PIDLambdaPolicy(
            target: arguments["target"]!, proportionalGain: arguments["kp"]!, integralGain: arguments["ki"]!,
            derivativeGain: arguments["kd"]!, baseline: arguments["baseline"]!,
            integralLimit: arguments["integralLimit"]!)
    }

    static let aimd = LambdaPolicyKind(
        name: "aimd", summary: "additive increase while coherent, multiplicative decrease on a drop",
        parameters: [
            LambdaPolicyParameter("increase", 0.05, "λ added per coherent height"),
            LambdaPolicyParameter(
                "decrease", 0.5, "λ multiplied by this on a drop, in (0, 1)", aliases: ["decreaseFactor"]),
            LambdaPolicyParameter("coherentFrom", 0.9, "Ĉ at or above this counts as coherent"),
            LambdaPolicyParameter("dropTolerance", 0.05, "a fall of Ĉ by more than this is a drop"),
            LambdaPolicyParameter("maxCalmRounds", 1, "more rounds than this at a height is turbulence"),
        ]
    ) { arguments throws(CoherenceError) in
        let rounds = arguments["maxCalmRounds"]!
        guard rounds >= 0, rounds <= Double(UInt32.max), rounds == rounds.rounded() else {
            throw CoherenceError(.invalidParameter, "aimd maxCalmRounds must be a whole number ≥ 0, got \(rounds)")
        }
        return try AIMDLambdaPolicy(
            increase: arguments["increase"]!, decreaseFactor: arguments["decrease"]!,
            coherentFrom: arguments["coherentFrom"]!, dropTolerance: arguments["dropTolerance"]!,
            maxCalmRounds: UInt32(rounds))
    }
}

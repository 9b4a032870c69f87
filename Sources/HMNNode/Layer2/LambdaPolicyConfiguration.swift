import HMNCoherence

/// A λ policy chosen by name with numeric parameters, as written in `config.json`
/// (`"lambdaPolicy": {"name": "pid", "parameters": {"target": 0.95}}`).
///
/// Names: `fixed` (`lambda`), `threshold` (`floorLambda`; default bands), `pid` (`target`,
/// `proportionalGain`, `integralGain`, `derivativeGain`, `baseline`, `integralLimit`) and `aimd`
/// (`increase`, `decreaseFactor`, `coherentFrom`, `dropTolerance`). Missing parameters take the
/// policy's defaults; an unknown name or parameter is an error, so a typo is never ignored.
public struct LambdaPolicyConfiguration: Hashable, Sendable, Codable {
    public var name: String
    public var parameters: [String: Double]

    public init(name: String = "threshold", parameters: [String: Double] = [:]) {
        self.name = name
        self.parameters = parameters
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        parameters = try container.decodeIfPresent([String: Double].self, forKey: .parameters) ?? [:]
    }

    static let knownParameters: [String: Set<String>] = [
        "fixed": ["lambda"],
        "threshold": ["floorLambda"],
        "pid": ["target", "proportionalGain", "integralGain", "derivativeGain", "baseline", "integralLimit"],
        "aimd": ["increase", "decreaseFactor", "coherentFrom", "dropTolerance"],
    ]

    /// Builds the policy.
    public func makePolicy() throws(NodeConfigurationError) -> any LambdaPolicy {
        guard let known = Self.knownParameters[name] else {
            let names = Self.knownParameters.keys.sorted().joined(separator: ", ")
            throw NodeConfigurationError(.invalidValue, "unknown λ policy '\(name)'; expected one of \(names)")
        }
        if let unknown = parameters.keys.sorted().first(where: { !known.contains($0) }) {
            throw NodeConfigurationError(
                .invalidValue, "λ policy '\(name)' has no parameter '\(unknown)' (known: \(known.sorted()))")
        }
        let p = parameters
        do {
            switch name {
            case "fixed": return try FixedLambdaPolicy(lambda: p["lambda"] ?? 1.0)
            case "threshold":
                let defaults = try ThresholdLambdaPolicy()
                return try ThresholdLambdaPolicy(bands: defaults.bands, floorLambda: p["floorLambda"] ?? 0.3)
            case "pid":
                return try PIDLambdaPolicy(
                    target: p["target"] ?? 0.95, proportionalGain: p["proportionalGain"] ?? 2.0,
                    integralGain: p["integralGain"] ?? 0.2, derivativeGain: p["derivativeGain"] ?? 0.5,
                    baseline: p["baseline"] ?? 1.0, integralLimit: p["integralLimit"] ?? 1.0)
            default:
                return try AIMDLambdaPolicy(
                    increase: p["increase"] ?? 0.05, decreaseFactor: p["decreaseFactor"] ?? 0.5,
                    coherentFrom: p["coherentFrom"] ?? 0.9, dropTolerance: p["dropTolerance"] ?? 0.05)
            }
        } catch {
            throw NodeConfigurationError(.invalidValue, "λ policy '\(name)': \(error)")
        }
    }
}

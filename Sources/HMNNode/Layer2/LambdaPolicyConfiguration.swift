import HMNCoherence

/// A λ policy chosen by name with numeric parameters, as written in `config.json`
/// (`"lambdaPolicy": {"name": "pid", "parameters": {"target": 0.95}}`).
///
/// Names and parameters are HMNCoherence's ``LambdaPolicyCatalog``, the same the workbench's policy
/// specs use: `fixed` (`lambda`), `threshold` (`high`, `lambdaHigh`, `mid`, `lambdaMid`, `low`,
/// `lambdaLow`, `floor`), `pid` (`target`, `kp`, `ki`, `kd`, `baseline`, `integralLimit`) and `aimd`
/// (`increase`, `decrease`, `coherentFrom`, `dropTolerance`, `maxCalmRounds`). The longer names of
/// earlier configurations (`floorLambda`, `proportionalGain`, `integralGain`, `derivativeGain`,
/// `decreaseFactor`) are still accepted. Missing parameters take the policy's defaults; an unknown
/// name or parameter is an error, so a typo is never ignored.
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

    /// Builds the policy.
    public func makePolicy() throws(NodeConfigurationError) -> any LambdaPolicy {
        do {
            return try LambdaPolicyCatalog.kind(named: name).build(parameters)
        } catch {
            throw NodeConfigurationError(.invalidValue, "λ policy: \(error.message)")
        }
    }
}

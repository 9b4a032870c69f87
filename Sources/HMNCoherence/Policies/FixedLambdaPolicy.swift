/// Always proposes the same λ: the research baseline ("what if λ did not adapt?").
///
/// Documented direction: none. λ stays put whatever Ĉ does.
public struct FixedLambdaPolicy: LambdaPolicy, Hashable {
    /// The λ always proposed.
    public let lambda: Double

    /// - Throws: ``CoherenceError/Code/invalidParameter`` for a non-finite or non-positive λ.
    public init(lambda: Double = 1.0) throws(CoherenceError) {
        guard lambda.isFinite, lambda > 0 else {
            throw CoherenceError(.invalidParameter, "fixed policy λ must be finite and > 0, got \(lambda)")
        }
        self.lambda = lambda
    }

    public var name: String { "fixed" }

    public mutating func desiredLambda(_ observation: LambdaObservation) -> Double { lambda }
}

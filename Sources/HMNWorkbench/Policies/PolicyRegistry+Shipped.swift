import HMNCoherence

extension PolicyRegistry {
    /// HMNCoherence's four policies with their parameters (defaults are the policies' own).
    public static let shipped: [PolicyRegistration] = [
        PolicyRegistration(
            name: "fixed", summary: "always proposes the same λ (the no-adaptation baseline)",
            parameters: [PolicyParameter("lambda", 1.0, "the λ always proposed")]
        ) { try FixedLambdaPolicy(lambda: $0["lambda"]) },
        PolicyRegistration(
            name: "threshold", summary: "piecewise-constant λ on the newest Ĉ (three bands and a floor)",
            parameters: [
                PolicyParameter("high", 0.95, "Ĉ floor of the calm band"),
                PolicyParameter("lambdaHigh", 1.2, "λ in the calm band"),
                PolicyParameter("mid", 0.85, "Ĉ floor of the middle band"),
                PolicyParameter("lambdaMid", 0.9, "λ in the middle band"),
                PolicyParameter("low", 0.7, "Ĉ floor of the low band"),
                PolicyParameter("lambdaLow", 0.6, "λ in the low band"),
                PolicyParameter("floor", 0.3, "λ below every band"),
            ]
        ) { arguments in
            try ThresholdLambdaPolicy(
                bands: [
                    .init(minimumCoherence: arguments["high"], lambda: arguments["lambdaHigh"]),
                    .init(minimumCoherence: arguments["mid"], lambda: arguments["lambdaMid"]),
                    .init(minimumCoherence: arguments["low"], lambda: arguments["lambdaLow"]),
                ], floorLambda: arguments["floor"])
        },
        PolicyRegistration(
            name: "pid", summary: "PID controller steering Ĉ toward a target, with anti-windup",
            parameters: [
                PolicyParameter("target", 0.95, "the Ĉ steered toward"),
                PolicyParameter("kp", 2.0, "proportional gain"),
                PolicyParameter("ki", 0.2, "integral gain"),
                PolicyParameter("kd", 0.5, "derivative gain"),
                PolicyParameter("baseline", 1.0, "λ on target with no accumulated error"),
                PolicyParameter("integralLimit", 1.0, "bound on the accumulated error"),
            ]
        ) { arguments in
            try PIDLambdaPolicy(
                target: arguments["target"], proportionalGain: arguments["kp"], integralGain: arguments["ki"],
                derivativeGain: arguments["kd"], baseline: arguments["baseline"],
                integralLimit: arguments["integralLimit"])
        },
        PolicyRegistration(
            name: "aimd", summary: "additive increase while coherent, multiplicative decrease on a drop",
            parameters: [
                PolicyParameter("increase", 0.05, "λ added per coherent height"),
                PolicyParameter("decrease", 0.5, "λ multiplied by this on a drop, in (0, 1)"),
                PolicyParameter("coherentFrom", 0.9, "Ĉ at or above this counts as coherent"),
                PolicyParameter("dropTolerance", 0.05, "a fall of Ĉ by more than this is a drop"),
                PolicyParameter("maxCalmRounds", 1, "more rounds than this at a height is turbulence"),
            ]
        ) { arguments in
            let rounds = arguments["maxCalmRounds"]
            guard rounds >= 0, rounds <= Double(UInt32.max), rounds == rounds.rounded() else {
                throw WorkbenchError(
                    .invalidParameter, "aimd maxCalmRounds must be a whole number ≥ 0, got \(rounds)")
            }
            return try AIMDLambdaPolicy(
                increase: arguments["increase"], decreaseFactor: arguments["decrease"],
                coherentFrom: arguments["coherentFrom"], dropTolerance: arguments["dropTolerance"],
                maxCalmRounds: UInt32(rounds))
        },
    ]
}

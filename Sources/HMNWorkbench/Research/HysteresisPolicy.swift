import HMNCoherence

// The worked example of Docs/RESEARCH.md, quoted there verbatim between the markers (a test in
// Tests/HMNWorkbenchTests checks the quote). To add your own policy, write a type like this one
// and add one `PolicyRegistration` to `research` below.
// (docs-example-begin)
/// Drops to a turbulent λ as soon as Ĉ falls below `enter`, and returns to the calm λ only after
/// Ĉ has stayed at or above `exit` for `calmHeights` heights in a row: a thermostat with
/// hysteresis, so λ does not flap while Ĉ hovers around one threshold.
public struct HysteresisPolicy: LambdaPolicy {
    public var enter = 0.8
    public var exit = 0.9
    public var calmHeights = 5
    public var calmLambda = 1.2
    public var turbulentLambda = 0.3

    /// Heights in a row with Ĉ ≥ `exit` while turbulent.
    private var streak = 0
    private var turbulent = false

    public init() {}

    public var name: String { "hysteresis" }

    public mutating func desiredLambda(_ observation: LambdaObservation) -> Double {
        let coherence = observation.latestCoherence
        if coherence < enter {
            turbulent = true
            streak = 0
        } else if turbulent {
            streak = coherence >= exit ? streak + 1 : 0
            if streak >= calmHeights { turbulent = false }
        }
        return turbulent ? turbulentLambda : calmLambda
    }
}

extension PolicyRegistry {
    /// Policies added by researchers: one registration each.
    public static let research: [PolicyRegistration] = [
        PolicyRegistration(
            name: "hysteresis", summary: "turbulent λ below `enter`, calm again after a streak above `exit`",
            parameters: [
                PolicyParameter("enter", 0.8, "Ĉ below this switches to the turbulent λ"),
                PolicyParameter("exit", 0.9, "Ĉ at or above this counts toward calm"),
                PolicyParameter("calmHeights", 5, "heights in a row above `exit` before calm"),
            ]
        ) { arguments in
            var policy = HysteresisPolicy()
            (policy.enter, policy.exit, policy.calmHeights) =
                (arguments["enter"], arguments["exit"], Int(min(max(arguments["calmHeights"], 1), 1e6)))
            return policy
        }
    ]
}
// (docs-example-end)

import HMNCoherence
import HMNPrimitives

/// Parameters of the test application: the chain id, the evidence window and the Layer-2
/// ``CoherenceParameters`` (SPEC §2–§6) whose exact transition the app runs on every block.
public struct KVApplicationConfiguration: Hashable, Sendable {
    public var chainID = "hmn-sim"
    public var evidenceMaxAgeHeights: UInt64 = 100
    /// The coherence parameters; every node of one simulated chain must use the same ones.
    public var coherence: CoherenceParameters

    /// The SPEC defaults, except a faster pace (100 ms epochs, 20 ms floor) so simulations stay
    /// short, and stronger emergency rates (slash 50 %, boost 2 %) so actions are visible.
    public init() {
        // Valid by construction (the emergency test and every simulation exercise it).
        coherence = try! Self.parameters(emergencyThreshold: FixedPoint(raw: 700_000))
    }

    /// The simulation parameters with another emergency threshold.
    public init(emergencyThreshold: FixedPoint) throws(CoherenceError) {
        coherence = try Self.parameters(emergencyThreshold: emergencyThreshold)
    }

    static func parameters(emergencyThreshold: FixedPoint) throws(CoherenceError) -> CoherenceParameters {
        try CoherenceParameters(
            baseEpochMilliseconds: 100, minEpochMilliseconds: 20, emergencyThreshold: emergencyThreshold,
            slashRate: FixedPoint(raw: 500_000), boostRate: FixedPoint(raw: 20_000))
    }
}

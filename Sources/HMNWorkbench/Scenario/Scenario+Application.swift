import HMNCoherence
import HMNPrimitives
import HMNSimulator

extension Scenario {
    /// The simulated application's parameters: the simulator's (slash 50 %, boost 2 %, so
    /// emergency actions are visible) with this scenario's emergency threshold and base epoch.
    ///
    /// - Throws: ``WorkbenchError/Code/invalidScenario`` with HMNCoherence's reason.
    public func applicationConfiguration() throws(WorkbenchError) -> KVApplicationConfiguration {
        var configuration = KVApplicationConfiguration()
        do {
            configuration.coherence = try CoherenceParameters(
                baseEpochMilliseconds: baseEpoch.milliseconds, minEpochMilliseconds: max(1, baseEpoch.milliseconds / 5),
                emergencyThreshold: FixedPoint(raw: Int64((emergencyThreshold * 1_000_000).rounded())),
                slashRate: FixedPoint(raw: 500_000), boostRate: FixedPoint(raw: 20_000))
        } catch {
            throw WorkbenchError(.invalidScenario, "scenario '\(name)': coherence parameters: \(error.message)")
        }
        return configuration
    }
}

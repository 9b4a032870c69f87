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
            // Derived from the simulator's own parameters, so the rates stay the simulator's.
            configuration.coherence = try configuration.coherence.copy(
                baseEpochMilliseconds: baseEpoch.milliseconds, minEpochMilliseconds: max(1, baseEpoch.milliseconds / 5),
                emergencyThreshold: FixedPoint(raw: Int64((emergencyThreshold * 1_000_000).rounded())))
        } catch {
            throw WorkbenchError(.invalidScenario, "scenario '\(name)': coherence parameters: \(error.message)")
        }
        return configuration
    }
}

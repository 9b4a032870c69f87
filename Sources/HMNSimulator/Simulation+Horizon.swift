/// Fixed-horizon runs and read-only counters, for studies that observe a network for a chosen
/// stretch of virtual time (the λ workbench) rather than until the liveness target.
extension Simulation {
    /// Bytes handed to the network so far (every copy attempt, including dropped ones).
    public var totalBytesSent: Int { bytesSent }
    /// Messages handed to the network so far.
    public var totalMessagesSent: Int { messagesSent }

    /// Runs until virtual time `horizonMilliseconds` (or the first violation, when the
    /// configuration stops on one), whatever the liveness target.
    ///
    /// Liveness is still checked when the horizon leaves room for it: if the heal plus the
    /// liveness bound fall inside the horizon and the honest nodes have not finalized the target
    /// by then, the report carries a liveness violation. `progress` is called with the virtual
    /// time about every `progressEveryMilliseconds`.
    @discardableResult
    public func run(
        untilMilliseconds horizonMilliseconds: UInt64, progressEveryMilliseconds: UInt64 = 1_000,
        progress: ((UInt64) -> Void)? = nil
    ) -> SimulationReport {
        let livenessDeadline = configuration.faults.healMilliseconds + configuration.livenessBoundMilliseconds
        var nextProgress = progressEveryMilliseconds
        var livenessChecked = false
        while let (time, event) = queue.pop() {
            if time > horizonMilliseconds {
                now = horizonMilliseconds
                break
            }
            if !livenessChecked && time > livenessDeadline {
                livenessChecked = true
                checkLivenessAtDeadline()
                if configuration.stopOnFirstViolation && !violations.isEmpty { break }
            }
            now = time
            eventsProcessed += 1
            process(event)
            if configuration.stopOnFirstViolation && !violations.isEmpty { break }
            if let progress, now >= nextProgress {
                progress(now)
                nextProgress = now + progressEveryMilliseconds
            }
        }
        if !livenessChecked && now >= livenessDeadline { checkLivenessAtDeadline() }
        return report()
    }

    private func checkLivenessAtDeadline() {
        guard !livenessTargetReached else { return }
        violate(
            .liveness, node: nil,
            "after the heal at \(configuration.faults.healMilliseconds) ms honest heights are "
                + "\(honestNodes.map(\.finalizedHeight)), target \(livenessTarget) not reached within "
                + "\(configuration.livenessBoundMilliseconds) ms")
    }
}

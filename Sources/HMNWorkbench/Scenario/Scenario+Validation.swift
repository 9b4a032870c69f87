import HMNSimulator

extension Scenario {
    /// Largest network and longest run the workbench accepts (a typo guard, not a hard limit of
    /// the simulator).
    public static let maxValidators = 100
    public static let maxDuration = VirtualDuration(milliseconds: 24 * 3_600_000)

    /// Checks that the scenario is possible and its policies exist.
    ///
    /// - Throws: ``WorkbenchError/Code/invalidScenario`` naming the field and the problem (N < 1,
    ///   a node index out of range, a window past the end, byzantine validators holding ≥ 1/3 of the
    ///   power without `allowForkStudy`…), or the registry's error for an unknown policy or parameter.
    public func validate(registry: PolicyRegistry) throws(WorkbenchError) {
        func fail(_ message: String) -> WorkbenchError {
            WorkbenchError(.invalidScenario, "scenario '\(name)': \(message)")
        }
        guard !name.isEmpty else { throw fail("name must not be empty") }
        guard validators >= 1 else { throw fail("validators must be ≥ 1, got \(validators)") }
        guard validators <= Self.maxValidators else {
            throw fail("validators must be ≤ \(Self.maxValidators), got \(validators)")
        }
        if let powers {
            guard powers.count == validators else {
                throw fail("powers lists \(powers.count) values for \(validators) validators")
            }
            guard powers.allSatisfy({ $0 >= 1 && $0 <= 1_000_000 }) else {
                throw fail("every power must be in 1…1000000")
            }
        }
        guard duration.milliseconds > 0 else { throw fail("duration must be > 0") }
        guard duration <= Self.maxDuration else { throw fail("duration must be ≤ \(Self.maxDuration)") }
        guard seeds >= 1 else { throw fail("seeds must be ≥ 1, got \(seeds)") }
        guard network.minDelay <= network.maxDelay else {
            throw fail("network.minDelay \(network.minDelay) exceeds network.maxDelay \(network.maxDelay)")
        }
        guard network.maxDelay.milliseconds <= 10_000 else { throw fail("network.maxDelay must be ≤ 10s") }
        for (field, value) in [("lossPercent", network.lossPercent), ("duplicatePercent", network.duplicatePercent)]
        where !(value.isFinite && (0...100).contains(value)) {
            throw fail("network.\(field) must be in 0…100, got \(value)")
        }
        guard emergencyThreshold.isFinite, emergencyThreshold > 0, emergencyThreshold < 1 else {
            throw fail("emergencyThreshold must be in (0, 1), got \(emergencyThreshold)")
        }
        if let recoveryCoherence, !(recoveryCoherence.isFinite && (0...1).contains(recoveryCoherence)) {
            throw fail("recoveryCoherence must be in [0, 1], got \(recoveryCoherence)")
        }
        guard (10...60_000).contains(baseEpoch.milliseconds) else {
            throw fail("baseEpoch must be in 10ms…1m, got \(baseEpoch)")
        }
        try validateLoad(fail)
        try validateFaults(fail)
        for spec in policies { _ = try registry.resolve(spec) }
    }

    private func validateWindow(
        _ field: String, _ at: VirtualDuration, _ length: VirtualDuration, _ fail: (String) -> WorkbenchError
    ) throws(WorkbenchError) {
        guard length.milliseconds > 0 else { throw fail("\(field).for must be > 0") }
        guard at.milliseconds + length.milliseconds <= duration.milliseconds else {
            throw fail(
                "\(field) ends at \(VirtualDuration(milliseconds: at.milliseconds + length.milliseconds)), "
                    + "after the run's duration \(duration)")
        }
    }

    private func validateNode(_ field: String, _ node: Int, _ fail: (String) -> WorkbenchError) throws(WorkbenchError) {
        guard (0..<validators).contains(node) else {
            throw fail("\(field) is node \(node); nodes are numbered 0…\(validators - 1)")
        }
    }

    private func validateLoad(_ fail: (String) -> WorkbenchError) throws(WorkbenchError) {
        guard load.transactionsPerSecond.isFinite, (0...1_000_000).contains(load.transactionsPerSecond) else {
            throw fail("load.txPerSecond must be in 0…1000000, got \(load.transactionsPerSecond)")
        }
        let spikes = load.spikes.sorted { $0.at < $1.at }
        for (index, spike) in load.spikes.enumerated() {
            try validateWindow("load.spikes[\(index)]", spike.at, spike.duration, fail)
            guard spike.transactionsPerSecond.isFinite, (0...1_000_000).contains(spike.transactionsPerSecond) else {
                throw fail("load.spikes[\(index)].txPerSecond must be in 0…1000000")
            }
        }
        for (first, second) in zip(spikes, spikes.dropFirst())
        where first.at.milliseconds + first.duration.milliseconds > second.at.milliseconds {
            throw fail("load.spikes overlap (at \(first.at) and at \(second.at))")
        }
    }

    private func validateFaults(_ fail: (String) -> WorkbenchError) throws(WorkbenchError) {
        for (index, crash) in faults.crashes.enumerated() {
            try validateNode("faults.crashes[\(index)].node", crash.node, fail)
            try validateWindow("faults.crashes[\(index)]", crash.at, crash.duration, fail)
        }
        for (index, partition) in faults.partitions.enumerated() {
            let field = "faults.partitions[\(index)]"
            guard !partition.isolate.isEmpty, Set(partition.isolate).count < validators else {
                throw fail("\(field).isolate must name at least one node and leave at least one outside")
            }
            for node in partition.isolate { try validateNode("\(field).isolate", node, fail) }
            try validateWindow(field, partition.at, partition.duration, fail)
        }
        let nodeWindows =
            faults.memoryDivergence.enumerated().map {
                ("faults.memoryDivergence[\($0.offset)]", $0.element.nodes, $0.element.at, $0.element.duration)
            }
            + faults.replicaFaults.enumerated().map {
                ("faults.replicaFaults[\($0.offset)]", $0.element.nodes, $0.element.at, $0.element.duration)
            }
        for (field, nodes, at, duration) in nodeWindows {
            guard !nodes.isEmpty else { throw fail("\(field).nodes must not be empty") }
            for node in nodes { try validateNode("\(field).nodes", node, fail) }
            try validateWindow(field, at, duration, fail)
        }
        var byzantineNodes = Set<Int>()
        for (index, byzantine) in faults.byzantine.enumerated() {
            let field = "faults.byzantine[\(index)]"
            try validateNode("\(field).node", byzantine.node, fail)
            guard byzantineNodes.insert(byzantine.node).inserted else {
                throw fail("\(field): node \(byzantine.node) is listed twice")
            }
            guard !byzantine.behaviour.isEmpty else { throw fail("\(field).behaviour must not be empty") }
            for behaviour in byzantine.behaviour where Self.byzantineBehaviours[behaviour] == nil {
                throw fail(
                    "\(field).behaviour '\(behaviour)' is unknown; use "
                        + Self.byzantineBehaviours.keys.sorted().joined(separator: ", "))
            }
        }
        let powers = resolvedPowers
        let total = powers.reduce(0, +)
        let byzantinePower = byzantineNodes.map { powers[$0] }.reduce(0, +)
        if byzantinePower * 3 >= total && byzantinePower > 0 && !allowForkStudy {
            throw fail(
                "byzantine validators hold \(byzantinePower) of \(total) voting power (≥ 1/3): BFT safety is "
                    + "not guaranteed; set \"allowForkStudy\": true to study forks deliberately")
        }
    }

    /// Behaviour names accepted in `faults.byzantine[].behaviour`.
    static let byzantineBehaviours: [String: ByzantineBehavior] = [
        "equivocate": .equivocate, "invalidProposals": .invalidProposals, "garbage": .garbage,
    ]
}

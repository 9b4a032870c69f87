import Foundation

/// Every policy × every seed of one scenario, in a fixed order (policy, then seed), with a
/// progress callback for the terminal.
public struct Campaign: Sendable {
    public let runner: ScenarioRunner
    public let policies: [PolicySpec]
    public let seeds: [UInt64]

    /// Where a campaign is: run `index` of `count` (0-based), at `virtualMilliseconds` of it.
    public struct Progress: Sendable {
        public var index: Int
        public var count: Int
        public var policy: PolicySpec
        public var seed: UInt64
        public var virtualMilliseconds: UInt64
        public var horizonMilliseconds: UInt64
        /// The run just ended.
        public var finished: Bool

        public init(
            index: Int, count: Int, policy: PolicySpec, seed: UInt64, virtualMilliseconds: UInt64,
            horizonMilliseconds: UInt64, finished: Bool
        ) {
            self.index = index
            self.count = count
            self.policy = policy
            self.seed = seed
            self.virtualMilliseconds = virtualMilliseconds
            self.horizonMilliseconds = horizonMilliseconds
            self.finished = finished
        }

        /// Share of the whole campaign done, 0…1.
        public var fraction: Double {
            let within = horizonMilliseconds == 0 ? 1 : Double(virtualMilliseconds) / Double(horizonMilliseconds)
            return min(1, (Double(index) + min(within, 1)) / Double(max(count, 1)))
        }
    }

    /// - Throws: ``WorkbenchError`` when a policy spec is unknown or invalid (checked before any run).
    public init(runner: ScenarioRunner, policies: [PolicySpec], seeds: [UInt64]) throws(WorkbenchError) {
        guard !policies.isEmpty else { throw WorkbenchError(.invalidParameter, "a campaign needs at least one policy") }
        guard !seeds.isEmpty else { throw WorkbenchError(.invalidParameter, "a campaign needs at least one seed") }
        let labels = policies.map(\.label)
        guard Set(labels).count == labels.count else {
            throw WorkbenchError(.invalidParameter, "a policy is listed twice: \(labels.joined(separator: ", "))")
        }
        for spec in policies { _ = try runner.registry.makePolicy(spec) }
        self.runner = runner
        self.policies = policies
        self.seeds = seeds
    }

    public var runCount: Int { policies.count * seeds.count }

    /// Runs everything in order and returns the results in that order.
    public func run(progress: ((Progress) -> Void)? = nil) throws(WorkbenchError) -> [RunResult] {
        var results: [RunResult] = []
        let horizon = runner.scenario.duration.milliseconds
        for policy in policies {
            for seed in seeds {
                let index = results.count
                let result = try runner.run(policy: policy, seed: seed) { now in
                    progress?(
                        Progress(
                            index: index, count: runCount, policy: policy, seed: seed, virtualMilliseconds: now,
                            horizonMilliseconds: horizon, finished: false))
                }
                results.append(result)
                progress?(
                    Progress(
                        index: index, count: runCount, policy: policy, seed: seed, virtualMilliseconds: horizon,
                        horizonMilliseconds: horizon, finished: true))
            }
        }
        return results
    }
}

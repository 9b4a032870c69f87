import HMNPrimitives
import HMNSimulator

extension Scenario {
    /// The simulator configuration for one seed: powers, link delays, loss until the last fault
    /// heals, partitions, crashes and byzantine validators at the scenario's times. Checkers keep
    /// running after a violation (a fork study wants to see what follows); violations are counted.
    public func simulationConfiguration(seed: UInt64) -> SimulationConfiguration {
        var configuration = SimulationConfiguration(seed: seed, powers: resolvedPowers)
        configuration.stopOnFirstViolation = false
        var plan = FaultPlan()
        plan.minDelayMilliseconds = network.minDelay.milliseconds
        plan.maxDelayMilliseconds = network.maxDelay.milliseconds
        plan.healedMaxDelayMilliseconds = max(1, network.maxDelay.milliseconds)
        plan.lossPerMille = UInt64((network.lossPercent * 10).rounded())
        plan.duplicatePerMille = UInt64((network.duplicatePercent * 10).rounded())
        plan.healMilliseconds = faultsEndMilliseconds
        plan.crashes = faults.crashes.map {
            CrashEpisode(
                node: $0.node, crashMilliseconds: $0.at.milliseconds,
                restartMilliseconds: $0.at.milliseconds + $0.duration.milliseconds)
        }
        plan.partitions = faults.partitions.map { partition in
            let isolated = Set(partition.isolate)
            return PartitionEpisode(
                startMilliseconds: partition.at.milliseconds,
                endMilliseconds: partition.at.milliseconds + partition.duration.milliseconds, from: isolated,
                to: Set(0..<validators).subtracting(isolated), symmetric: partition.symmetric)
        }
        for byzantine in faults.byzantine {
            plan.byzantine[byzantine.node] = byzantine.behaviour.reduce(into: ByzantineBehavior()) {
                $0.formUnion(Self.byzantineBehaviours[$1] ?? [])
            }
        }
        configuration.faults = plan
        return configuration
    }

    /// The events a plot marks: fault windows and load spikes, in time order.
    public var timeline: [TimelineEvent] {
        var events: [TimelineEvent] = []
        for crash in faults.crashes {
            events.append(TimelineEvent(kind: .crash, label: "crash n\(crash.node)", window: crash.at, crash.duration))
        }
        for partition in faults.partitions {
            let nodes = partition.isolate.sorted().map(String.init).joined(separator: ",")
            events.append(
                TimelineEvent(kind: .partition, label: "partition {\(nodes)}", window: partition.at, partition.duration)
            )
        }
        for episode in faults.memoryDivergence {
            let nodes = episode.nodes.sorted().map(String.init).joined(separator: ",")
            events.append(
                TimelineEvent(kind: .divergence, label: "divergence {\(nodes)}", window: episode.at, episode.duration))
        }
        for fault in faults.replicaFaults {
            let nodes = fault.nodes.sorted().map(String.init).joined(separator: ",")
            events.append(
                TimelineEvent(
                    kind: .divergence, label: "\(fault.kind.rawValue) replicas {\(nodes)}", window: fault.at,
                    fault.duration))
        }
        for spike in load.spikes {
            events.append(
                TimelineEvent(
                    kind: .loadSpike, label: "load \(PolicySpec.format(spike.transactionsPerSecond)) tx/s",
                    window: spike.at, spike.duration))
        }
        return events.sorted { ($0.startMilliseconds, $0.label) < ($1.startMilliseconds, $1.label) }
    }
}

/// A scenario event shown on the plots.
public struct TimelineEvent: Hashable, Sendable {
    public enum Kind: String, Hashable, Sendable { case crash, partition, divergence, loadSpike }

    public var kind: Kind
    public var label: String
    public var startMilliseconds: UInt64
    public var endMilliseconds: UInt64

    init(kind: Kind, label: String, window at: VirtualDuration, _ length: VirtualDuration) {
        self.kind = kind
        self.label = label
        startMilliseconds = at.milliseconds
        endMilliseconds = at.milliseconds + length.milliseconds
    }
}

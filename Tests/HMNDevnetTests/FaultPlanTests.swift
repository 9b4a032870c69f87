import HMNDevnet
import HMNPrimitives
import Testing

@Suite struct FaultPlanTests {
    @Test("the schedule is a function of the seed", arguments: [UInt64(1), 7, 42])
    func sameSeedSamePlan(seed: UInt64) {
        let settings = FaultPlan.Settings(validators: 7, durationSeconds: 300, seed: seed, partitions: true)
        #expect(FaultPlan(settings) == FaultPlan(settings))
        #expect(
            FaultPlan(settings) != FaultPlan(FaultPlan.Settings(validators: 7, durationSeconds: 300, seed: seed + 1)))
    }

    @Test("never more than maxFaulty validators faulty at once, all faults inside the duration", arguments: 4...7)
    func boundedFaults(validators: Int) {
        var generator = SeededGenerator(seed: UInt64(validators))
        for _ in 0..<20 {
            let maxFaulty = Int.random(in: 1...validators, using: &generator)
            let settings = FaultPlan.Settings(
                validators: validators, durationSeconds: 300, seed: generator.next(), partitions: true,
                maxFaulty: maxFaulty)
            let plan = FaultPlan(settings)
            #expect(!plan.faults.isEmpty)
            #expect(plan.peakFaulty <= maxFaulty)
            for fault in plan.faults {
                #expect(fault.atMilliseconds + fault.downMilliseconds <= 300_000)
                #expect(fault.nodes.allSatisfy { (0..<validators).contains($0) })
                #expect(Set(fault.nodes).count == fault.nodes.count)
            }
        }
    }

    @Test("f = ⌊(N − 1)/3⌋ by default; partitions only when asked for")
    func defaults() {
        #expect((4...7).map(FaultPlan.Settings.tolerated) == [1, 1, 1, 2])
        let plain = FaultPlan(FaultPlan.Settings(validators: 4, durationSeconds: 600, seed: 3))
        #expect(plain.settings.maxFaulty == 1)
        #expect(plain.settings.withinTolerance)
        #expect(!plain.faults.contains { $0.kind == .partition })
        #expect(Set(plain.faults.map(\.kind)) == [.crash, .pause, .restart])
        let partitioned = FaultPlan(FaultPlan.Settings(validators: 7, durationSeconds: 600, seed: 3, partitions: true))
        #expect(partitioned.faults.contains { $0.kind == .partition })
        #expect(!partitioned.faults.contains { $0.kind == .deafen })
        let oneWay = FaultPlan(
            FaultPlan.Settings(validators: 7, durationSeconds: 600, seed: 3, partitions: true, oneWayPartitions: true))
        #expect(Set(oneWay.faults.map(\.kind)) == [.crash, .pause, .restart, .partition, .deafen])
        #expect(!FaultPlan.Settings(validators: 4, durationSeconds: 60, seed: 1, maxFaulty: 2).withinTolerance)
    }
}

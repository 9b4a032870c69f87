import Foundation
import HMNDevnet
import Logging
import Testing

/// A short fault campaign on four real processes: a crash, a freeze and a graceful restart under
/// load, then the full check. The long campaigns run with `make fault-campaign`.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct FaultCampaignTests {
    @Test("kill -9, SIGSTOP/SIGCONT and SIGTERM+restart under load: no fork, nothing acknowledged lost, progress")
    func shortSignalCampaign() async throws {
        let settings = FaultPlan.Settings(validators: 4, durationSeconds: 18, seed: 9)
        let plan = FaultPlan(
            settings: settings,
            faults: [
                PlannedFault(index: 0, atMilliseconds: 1_000, kind: .crash, nodes: [3], downMilliseconds: 3_000),
                PlannedFault(index: 1, atMilliseconds: 7_000, kind: .pause, nodes: [1], downMilliseconds: 2_500),
                PlannedFault(index: 2, atMilliseconds: 12_000, kind: .restart, nodes: [2], downMilliseconds: 2_000),
            ])
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hmn-campaign-\(getpid())").path
        // Ports below Linux's ephemeral range (32768…), like ClusterProcessTests.basePort.
        var campaign = FaultCampaign(
            plan: plan, directory: directory, executable: ClusterProcessTests.executable,
            basePort: 31_000 + Int(getpid() % 80) * 20, build: "debug", logger: Logger(label: "test.campaign"))
        campaign.senders = 3
        campaign.settleTimeout = .seconds(10)
        campaign.recoveryTimeout = .seconds(60)
        let report = try await campaign.run()
        print(report.summary)
        #expect(report.violations.isEmpty, "\(report.violations)")
        #expect(report.faults.count == 3)
        #expect(report.faults.allSatisfy { $0.note.isEmpty }, "\(report.faults)")
        #expect(report.heights.atFaultEnd > report.heights.atFaultStart)
        #expect(report.heights.checked >= report.heights.atFaultEnd)
        #expect(report.transactions.acknowledged >= 10)
        #expect(report.transactions.committed >= 10)
        #expect(report.exitStatuses == [0, 0, 0, 0])
    }
}

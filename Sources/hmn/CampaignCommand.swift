import ArgumentParser
import Foundation
import HMNDevnet
import Logging

/// `hmn campaign`: a fault campaign on real node processes (Docs/FAULT_CAMPAIGNS.md).
struct CampaignCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "campaign",
        abstract:
            "Run N validator processes under load, crash, freeze, restart and partition them, then check agreement.",
        discussion: """
            Creates a fresh testnet in --dir, starts one `hmn start` process per validator, submits \
            transfers and memory records, and applies a seeded schedule of faults for --duration \
            seconds: kill -9 and restart, SIGSTOP/SIGCONT, SIGTERM and restart, and with --partitions \
            network partitions (Linux network namespaces; needs root). At most f = ⌊(N−1)/3⌋ validators \
            are faulty at once unless --max-faulty says otherwise. Then it heals everything, restarts \
            every node and checks that all nodes hold identical blocks, state roots and Layer-2 roots \
            at every height, that every acknowledged transaction is committed on every node in the same \
            block, and that the chain advanced. Exit status 1 when it found a violation; the directory \
            and node logs are kept then.
            """)

    @Option(help: "Validators (4…7 is what the campaign is made for).")
    var validators = 4

    @Option(help: "Seconds of faults.")
    var duration = 120

    @Option(help: "Seed of the fault schedule (and of keys and load choices).")
    var seed: UInt64 = 1

    @Flag(help: "Also partition nodes (network namespaces; needs root and iproute2).")
    var partitions = false

    @Flag(help: "With --partitions: also one-way partitions, nodes that hear nothing while what they send still goes out (tc).")
    var oneWayPartitions = false

    @Option(help: "Validators faulty at once (default f = ⌊(N−1)/3⌋; above f stalls are expected, forks never).")
    var maxFaulty: Int?

    @Option(help: "Testnet directory (deleted first).")
    var dir = "./campaign"

    @Option(help: "First port: node i uses base+2i (P2P) and base+2i+1 (HTTP).")
    var basePort = 30_000

    @Option(help: "Write the JSON report here.")
    var report: String?

    @Option(help: "Build label for the report (debug or release).")
    var build = "debug"

    @Flag(help: "Print the fault schedule and exit.")
    var planOnly = false

    func validate() throws {
        guard (1...32).contains(validators) else { throw ValidationError("--validators must be in 1…32") }
        guard duration >= 5 else { throw ValidationError("--duration must be at least 5 seconds") }
        guard (1024...65_000).contains(basePort) else { throw ValidationError("--base-port must be in 1024…65000") }
        if let maxFaulty, !(0...validators).contains(maxFaulty) {
            throw ValidationError("--max-faulty must be in 0…\(validators)")
        }
    }

    func run() async throws {
        let settings = FaultPlan.Settings(
            validators: validators, durationSeconds: duration, seed: seed, partitions: partitions,
            oneWayPartitions: partitions && oneWayPartitions, maxFaulty: maxFaulty)
        let plan = FaultPlan(settings)
        if planOnly {
            for fault in plan.faults {
                print(
                    "\(fault.atMilliseconds) ms  \(fault.kind.rawValue)  nodes \(fault.nodes)  "
                        + "for \(fault.downMilliseconds) ms"
                )
            }
            print("\(plan.faults.count) faults, at most \(plan.peakFaulty) validators faulty at once")
            return
        }
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .info
            return handler
        }
        let stop = StopSignal()
        stop.install()
        defer { stop.uninstall() }
        let directory =
            dir.hasPrefix("/")
            ? dir : (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(dir)
        var campaign = FaultCampaign(
            plan: plan, directory: directory, executable: try DevnetCommand.ownExecutable(), basePort: basePort,
            build: build, logger: Logger(label: "hmn.campaign"))
        campaign.removeDirectoryWhenPassed = false
        print(
            "campaign: \(plan.faults.count) faults planned from seed \(seed), at most \(plan.peakFaulty) faulty at once"
        )
        let result = try await campaign.run(stopRequested: { stop.requested })
        print(result.summary)
        if let report {
            try result.json().write(to: URL(fileURLWithPath: report))
            print("report written to \(report)")
        }
        if !result.passed {
            for index in 0..<validators {
                let log = (directory as NSString).appendingPathComponent("node\(index)/node.log")
                let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
                print("---- \(log) (last 30 lines)")
                print(text.split(separator: "\n").suffix(30).joined(separator: "\n"))
            }
            throw ExitCode(1)
        }
    }
}

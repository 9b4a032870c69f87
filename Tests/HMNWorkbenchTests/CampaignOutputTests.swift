import Foundation
import HMNWorkbench
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

@Suite("A short campaign writes the CSV, the SVGs and the summary")
struct CampaignOutputTests {
    /// Parses a run CSV: header comments, the column line, rows.
    static func parse(_ text: String) -> (comments: [String], columns: [String], rows: [[String]]) {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let comments = lines.prefix { $0.hasPrefix("#") }
        let body = lines.dropFirst(comments.count).filter { !$0.isEmpty }
        let columns = body.first.map { $0.components(separatedBy: ",") } ?? []
        return (Array(comments), columns, body.dropFirst().map { $0.components(separatedBy: ",") })
    }

    static func isWellFormedXML(_ text: String) -> Bool {
        XMLParser(data: Data(text.utf8)).parse()
    }

    @Test("CSV columns, one row per committed height, provenance header, well-formed SVG")
    func campaign() throws {
        var scenario = TestSupport.small("campaign", seconds: 4)
        scenario.faults.crashes = [.init(node: 3, at: .seconds(1), duration: .seconds(1))]
        let loaded = LoadedScenario(scenario: scenario, source: Data("{}".utf8))
        let runner = try ScenarioRunner(scenario: scenario)
        let campaign = try Campaign(
            runner: runner, policies: [PolicySpec(name: "fixed"), try PolicySpec(parsing: "pid:kp=0.5")], seeds: [7])
        var progressCalls = 0
        var finished = 0
        let results = try campaign.run { progress in
            progressCalls += 1
            if progress.finished { finished += 1 }
            #expect((0...1).contains(progress.fraction))
        }
        #expect(results.count == 2 && finished == 2 && progressCalls > 2)

        let directory = TestSupport.temporaryDirectory("campaign")
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = CampaignOutput(directory: directory, scenario: loaded, commit: "abc123", registry: .standard)
        try output.prepare()
        for result in results {
            let files = try output.write(result)
            let names = files.map { $0.lastPathComponent }
            #expect(names == ["\(result.policy.label)-seed7.csv", "\(result.policy.label)-seed7.svg"])
            let csv = try String(contentsOf: files[0], encoding: .utf8)
            let parsed = Self.parse(csv)
            #expect(parsed.columns == RunCSV.columns)
            #expect(parsed.rows.count == result.samples.count)
            #expect(result.samples.count > 10, "4 s of 4 validators at ≥ 100 ms epochs commit more than 10 heights")
            #expect(parsed.rows.allSatisfy { $0.count == RunCSV.columns.count })
            #expect(parsed.comments.contains("# commit: abc123"))
            #expect(parsed.comments.contains("# seed: 7"))
            #expect(parsed.comments.contains { $0.hasPrefix("# policy: \(result.policy.name):") })
            // Heights are consecutive from 1, times increase, λ and Ĉ are in range.
            #expect(parsed.rows.map { UInt64($0[1]) } == (1...UInt64(parsed.rows.count)).map { $0 })
            let times = parsed.rows.compactMap { UInt64($0[0]) }
            #expect(times == times.sorted() && times.count == parsed.rows.count)
            #expect(parsed.rows.allSatisfy { (Double($0[2]) ?? -1) >= 0.1 && (Double($0[3]) ?? -1) >= 0 })
            let svg = try String(contentsOf: files[1], encoding: .utf8)
            #expect(Self.isWellFormedXML(svg))
            #expect(svg.contains("<polyline") && svg.contains("crash n3") && svg.contains("stroke-dasharray"))
        }
        let table = try output.writeSummary(results, seeds: 1)
        #expect(table.contains("fixed") && table.contains("pid:kp=0.5") && table.contains("mean fin ms"))
        let comparison = try String(contentsOf: directory.appendingPathComponent("comparison.svg"), encoding: .utf8)
        #expect(Self.isWellFormedXML(comparison))
        // Each policy's p99 finality is labelled on its bar (it once plotted the UInt64's bit pattern).
        for aggregate in PolicyAggregate.pool(results) {
            let p99 = try #require(aggregate.p99FinalityMilliseconds)
            #expect(comparison.contains(">\(p99)</text>"), "no bar labelled \(p99) ms")
        }
        let summary = Self.parse(
            try String(contentsOf: directory.appendingPathComponent("summary.csv"), encoding: .utf8))
        #expect(summary.columns == SummaryTable.runColumns && summary.rows.count == 2)
        #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("scenario.json").path))
    }

    @Test("memory divergence drives Ĉ below the threshold and the run records the emergencies")
    func divergence() throws {
        var scenario = TestSupport.small("divergence", seconds: 5)
        scenario.faults.memoryDivergence = [.init(nodes: [0, 1], at: .seconds(1), duration: .seconds(2))]
        let result = try ScenarioRunner(scenario: scenario).run(policy: PolicySpec(name: "threshold"), seed: 3)
        let inWindow = result.samples.filter { $0.timeMilliseconds > 1_500 && $0.timeMilliseconds < 3_000 }
        #expect(inWindow.contains { $0.coherence.doubleValue < 0.7 })
        #expect(result.summary.emergencies > 0 && result.summary.millisecondsBelowThreshold > 0)
        #expect(result.samples.contains { $0.emergency && $0.slashes + $0.boosts > 0 })
        #expect(result.violations.isEmpty)
        // The threshold policy answers a low Ĉ with a low λ (short epochs).
        #expect(inWindow.contains { $0.lambda.doubleValue <= 0.6 })
        let svg = RunChart.render(result, scenario: scenario)
        #expect(Self.isWellFormedXML(svg) && svg.contains("divergence {0,1}"))
    }

    @Test("replicas that drop writes or corrupt records drive Ĉ below the threshold; the emergency fires and the chart names them")
    func replicaFaults() throws {
        for kind in ScenarioFaults.ReplicaFault.Kind.allCases {
            var scenario = TestSupport.small("replicas-\(kind.rawValue)", seconds: 5)
            scenario.faults.replicaFaults = [.init(nodes: [0, 1], kind: kind, at: .seconds(1), duration: .seconds(2))]
            let result = try ScenarioRunner(scenario: scenario).run(policy: PolicySpec(name: "fixed"), seed: 3)
            let inWindow = result.samples.filter { $0.timeMilliseconds > 1_500 && $0.timeMilliseconds < 3_000 }
            #expect(inWindow.contains { $0.coherence.doubleValue < 0.7 }, "\(kind)")
            #expect(result.summary.emergencies > 0, "\(kind)")
            #expect(result.samples.contains { $0.emergency && $0.slashes + $0.boosts > 0 }, "\(kind)")
            #expect(result.violations.isEmpty)
            // Repaired after the window: Ĉ climbs back above the threshold.
            #expect(result.samples.last.map { $0.coherence.doubleValue >= 0.7 } == true, "\(kind)")
            let svg = RunChart.render(result, scenario: scenario)
            #expect(Self.isWellFormedXML(svg) && svg.contains("\(kind.rawValue) replicas {0,1}"))
        }
    }
}

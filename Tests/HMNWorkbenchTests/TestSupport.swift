import Foundation
import HMNWorkbench

enum TestSupport {
    /// The repository root (three levels above this file).
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static let catalog = ScenarioCatalog(directory: root.appendingPathComponent("Scenarios"))

    static let shippedScenarios = [
        "steady", "crash-return", "partition-heal", "byzantine-minority", "memory-divergence", "replica-faults",
        "load-spikes",
    ]

    /// A small, fast network for end-to-end tests (debug builds run about real time).
    static func small(_ name: String = "small", seconds: UInt64 = 4) -> Scenario {
        var scenario = Scenario(name: name, validators: 4, duration: .seconds(seconds))
        scenario.seeds = 1
        scenario.load = LoadModel(transactionsPerSecond: 40)
        return scenario
    }

    static func decode(_ json: String) throws(WorkbenchError) -> Scenario {
        try Scenario.decode(json: Data(json.utf8), source: "test.json")
    }

    static func temporaryDirectory(_ label: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("hmn-workbench-\(label)-\(UUID().uuidString)")
    }
}

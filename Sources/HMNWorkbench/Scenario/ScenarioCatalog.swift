import Foundation

/// Finds scenarios: a path to a `.json` file, or the name of a file in a scenarios directory
/// (`Scenarios/` of the repository: `steady`, `crash-return`, `partition-heal`,
/// `byzantine-minority`, `memory-divergence`, `replica-faults`, `load-spikes`).
public struct ScenarioCatalog: Sendable {
    public let directory: URL

    public init(directory: URL) { self.directory = directory }

    /// The first `Scenarios` directory found in the current directory or above, or above the
    /// running executable (so `.build/release/hmn` finds the repository's scenarios).
    public static func locate(executablePath: String? = CommandLine.arguments.first) -> ScenarioCatalog? {
        var starts = [URL(fileURLWithPath: FileManager.default.currentDirectoryPath)]
        if let executablePath { starts.append(URL(fileURLWithPath: executablePath).deletingLastPathComponent()) }
        for start in starts {
            var directory = start.standardizedFileURL
            for _ in 0..<8 {
                let candidate = directory.appendingPathComponent("Scenarios")
                var isDirectory: ObjCBool = false
                if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory),
                    isDirectory.boolValue
                {
                    return ScenarioCatalog(directory: candidate)
                }
                let parent = directory.deletingLastPathComponent()
                if parent.path == directory.path { break }
                directory = parent
            }
        }
        return nil
    }

    /// Scenario names available in the directory, sorted.
    public var names: [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return files.filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }.sorted()
    }

    /// Loads a scenario by name from the directory.
    public func load(named name: String) throws(WorkbenchError) -> LoadedScenario {
        guard names.contains(name) else {
            throw WorkbenchError(
                .unknownScenario,
                "unknown scenario '\(name)'; known scenarios: \(names.joined(separator: ", ")) "
                    + "(in \(directory.path)), or give a path to a .json file")
        }
        return try Self.load(file: directory.appendingPathComponent("\(name).json"))
    }

    /// Loads a scenario file.
    public static func load(file: URL) throws(WorkbenchError) -> LoadedScenario {
        let data: Data
        do {
            data = try Data(contentsOf: file)
        } catch {
            throw WorkbenchError(.unknownScenario, "cannot read scenario file \(file.path): no such readable file")
        }
        return LoadedScenario(scenario: try Scenario.decode(json: data, source: file.lastPathComponent), source: data)
    }

    /// A path (contains `/` or ends in `.json`) is loaded as a file; anything else is a name
    /// looked up in `catalog`.
    public static func resolve(_ nameOrPath: String, catalog: ScenarioCatalog?) throws(WorkbenchError) -> LoadedScenario
    {
        if nameOrPath.contains("/") || nameOrPath.hasSuffix(".json") {
            return try load(file: URL(fileURLWithPath: nameOrPath))
        }
        guard let catalog else {
            throw WorkbenchError(
                .unknownScenario,
                "unknown scenario '\(nameOrPath)': no Scenarios/ directory found here or above; "
                    + "pass --scenarios-dir or a path to a .json file")
        }
        return try catalog.load(named: nameOrPath)
    }
}

/// A scenario with the exact bytes it was read from (hashed into every output header, so a
/// result names the study that produced it).
public struct LoadedScenario: Sendable {
    public var scenario: Scenario
    public var source: Data

    public init(scenario: Scenario, source: Data) {
        self.scenario = scenario
        self.source = source
    }
}

import Foundation
import HMNNode
import HMNNodeHTTP
import HMNPrimitives

/// A testnet directory (as `hmn testnet init` writes it) run as separate `hmn start` processes on
/// loopback: what `hmn devnet` and the multi-process tests drive.
///
/// The cluster only starts, signals and queries processes; everything it learns comes through each
/// node's HTTP API, exactly as an operator would see it.
public final class LocalCluster: Sendable {
    public let directory: String
    public let chainID: String
    public let nodes: [NodeProcess]
    public let clients: [NodeClient]
    public let configurations: [NodeConfiguration]
    /// The funded key `hmn testnet init` writes to `<dir>/faucet_key`.
    public let faucet: SigningKey

    /// Opens an existing testnet directory (`node0`, `node1`, … and `faucet_key`). `launches`, one per
    /// node, runs nodes through a prefix (a network namespace) and reaches them at other addresses;
    /// nil runs every node directly on loopback.
    public init(directory: String, executable: String, launches: [NodeLaunch]? = nil) throws(DevnetError) {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
            .filter { $0.hasPrefix("node") && Int($0.dropFirst(4)) != nil }
            .sorted { Int($0.dropFirst(4))! < Int($1.dropFirst(4))! }
        guard !names.isEmpty else {
            throw DevnetError(.invalidLayout, "\(directory) holds no node0, node1, …: run `hmn testnet init` first")
        }
        var configurations: [NodeConfiguration] = []
        var chainID = ""
        for name in names {
            let home = (directory as NSString).appendingPathComponent(name)
            do {
                let loaded = try NodeHome.load(home)
                configurations.append(loaded.configuration)
                chainID = loaded.configuration.chainID
            } catch {
                throw DevnetError(.invalidLayout, "\(home): \(error)")
            }
        }
        do {
            faucet = try NodeKeyFile.read((directory as NSString).appendingPathComponent("faucet_key"))
        } catch {
            throw DevnetError(.invalidLayout, "\(directory)/faucet_key: \(error)")
        }
        if let launches, launches.count != names.count {
            throw DevnetError(.invalidLayout, "\(launches.count) launch settings for \(names.count) nodes")
        }
        let launches = launches ?? names.map { _ in NodeLaunch() }
        self.directory = directory
        self.chainID = chainID
        self.configurations = configurations
        nodes = zip(names, launches).map { name, launch in
            NodeProcess(
                home: (directory as NSString).appendingPathComponent(name), executable: executable,
                launchPrefix: launch.prefix, extraArguments: launch.extraArguments)
        }
        clients = zip(configurations, launches).map {
            NodeClient(host: $1.apiHost, port: $0.httpPort, timeoutSeconds: 5)
        }
    }

    /// Writes a new testnet with `Testnet.initialize` and opens it.
    public static func create(
        validators: Int, directory: String, basePort: Int, executable: String,
        options: Testnet.Options = Testnet.Options()
    ) throws(DevnetError) -> LocalCluster {
        do {
            try Testnet.initialize(validators: validators, directory: directory, basePort: basePort, options: options)
        } catch {
            throw DevnetError(.invalidLayout, "cannot create the testnet in \(directory): \(error)")
        }
        return try LocalCluster(directory: directory, executable: executable)
    }

    public var count: Int { nodes.count }

    public func startAll() throws(DevnetError) {
        for node in nodes { try node.start() }
    }

    /// Graceful stop of every node (SIGTERM, SIGKILL after `grace`).
    public func stopAll(grace: Duration = .seconds(10)) async {
        await withTaskGroup(of: Void.self) { group in
            for node in nodes { group.addTask { await node.stop(grace: grace) } }
        }
    }

    /// The status of every node, nil where it does not answer.
    public func statuses() async -> [StatusJSON?] {
        await withTaskGroup(of: (Int, StatusJSON?).self) { group in
            for (index, client) in clients.enumerated() {
                group.addTask { (index, try? await client.status()) }
            }
            var result = [StatusJSON?](repeating: nil, count: clients.count)
            for await (index, status) in group { result[index] = status }
            return result
        }
    }

    /// Polls `condition` every 200 ms until it holds; throws `timeout` naming `what` otherwise.
    public func wait(
        for what: String, timeout: Duration, _ condition: @Sendable () async -> Bool
    ) async throws(DevnetError) {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if await condition() { return }
            try? await Task.sleep(for: .milliseconds(200))
        }
        throw DevnetError(.timeout, "timed out after \(timeout) waiting for \(what)")
    }

    /// Waits until every node in `indices` answers its health check with a height ≥ `height`.
    public func waitForHeight(
        _ height: UInt64, nodes indices: [Int]? = nil, timeout: Duration = .seconds(60)
    ) async throws(DevnetError) {
        let wanted = indices ?? Array(0..<count)
        try await wait(for: "height \(height) on nodes \(wanted)", timeout: timeout) {
            let all = await self.statuses()
            return wanted.allSatisfy { (all[$0]?.height ?? 0) >= height }
        }
    }
}

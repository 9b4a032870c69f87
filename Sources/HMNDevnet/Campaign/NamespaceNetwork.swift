import Foundation
import HMNNode

/// Linux network namespaces for partitions: node `i` runs in namespace `hmn<run>-n<i>` with a veth
/// pair whose host end is a port of bridge `hmnb<run>a`; nodes and the supervisor (an address on the
/// bridge) talk over `10.213.<run>.0/24`. A partition moves some nodes' host ends to a second bridge,
/// `hmnb<run>b`, which has no route to the first: those nodes can reach each other but neither the
/// rest nor the supervisor. Healing moves them back. A one-way partition (``deafen(_:)``) drops
/// every packet toward a node with a zero-length queue on its host end (`tc`). Needs root and
/// iproute2; no iptables.
///
/// A class because it owns kernel objects; ``tearDown()`` removes every one of them (also what an
/// interrupted earlier run with the same `run` number left).
public final class NamespaceNetwork: Sendable {
    public let run: Int
    public let count: Int

    /// `run` in 1…249 picks the names and the subnet.
    public init(run: Int, count: Int) {
        self.run = run
        self.count = count
    }

    public func namespace(_ node: Int) -> String { "hmn\(run)-n\(node)" }
    func hostEnd(_ node: Int) -> String { "hmnv\(run)n\(node)" }
    func nodeEnd(_ node: Int) -> String { "hmnp\(run)n\(node)" }
    var bridge: String { "hmnb\(run)a" }
    var cutBridge: String { "hmnb\(run)b" }
    /// The address node `i` listens on.
    public func address(_ node: Int) -> String { "10.213.\(run).\(node + 1)" }
    /// The supervisor's address on the bridge.
    public var hostAddress: String { "10.213.\(run).254" }

    /// Whether namespaces can be made here: root, and `ip netns` works.
    public static var isAvailable: Bool {
        guard getuid() == 0 else { return false }
        return (try? Self.ip(["netns", "list"])) != nil
    }

    /// Creates both bridges, one namespace per node with its veth pair and address, and brings
    /// everything up. Removes leftovers of an earlier run with the same number first.
    public func setUp() throws(DevnetError) {
        tearDown()
        do {
            for name in [bridge, cutBridge] {
                try Self.ip(["link", "add", name, "type", "bridge", "forward_delay", "0", "stp_state", "0"])
                try Self.ip(["link", "set", name, "up"])
            }
            try Self.ip(["addr", "add", "\(hostAddress)/24", "dev", bridge])
            for node in 0..<count {
                let ns = namespace(node)
                try Self.ip(["netns", "add", ns])
                try Self.ip(["link", "add", hostEnd(node), "type", "veth", "peer", "name", nodeEnd(node)])
                try Self.ip(["link", "set", nodeEnd(node), "netns", ns])
                try Self.ip(["link", "set", hostEnd(node), "master", bridge])
                try Self.ip(["link", "set", hostEnd(node), "up"])
                try Self.ip(["-n", ns, "link", "set", "lo", "up"])
                try Self.ip(["-n", ns, "addr", "add", "\(address(node))/24", "dev", nodeEnd(node)])
                try Self.ip(["-n", ns, "link", "set", nodeEnd(node), "up"])
            }
        } catch {
            tearDown()
            throw error
        }
    }

    /// Cuts `nodes` off from the others and from the supervisor.
    public func partition(_ nodes: [Int]) throws(DevnetError) {
        for node in nodes { try Self.ip(["link", "set", hostEnd(node), "master", cutBridge]) }
    }

    /// Undoes ``partition(_:)`` for `nodes`.
    public func heal(_ nodes: [Int]) throws(DevnetError) {
        for node in nodes { try Self.ip(["link", "set", hostEnd(node), "master", bridge]) }
    }

    /// Reconnects every node both ways: undoes every ``partition(_:)`` and ``deafen(_:)``.
    public func healAll() throws(DevnetError) {
        let nodes = Array(0..<count)
        try heal(nodes)
        hear(nodes)
    }

    /// One-way partition: every packet toward `nodes` is dropped, what they send still leaves.
    /// A FIFO queue of length 0 on the host end of each node's veth drops whatever the bridge sends
    /// it (this kernel has no netem and no tc classifiers; the plain FIFO needs neither).
    public func deafen(_ nodes: [Int]) throws(DevnetError) {
        for node in nodes {
            try Self.run("tc", ["qdisc", "replace", "dev", hostEnd(node), "root", "pfifo", "limit", "0"])
        }
    }

    /// Undoes ``deafen(_:)`` for `nodes`; a node with no queue to remove is not an error.
    public func hear(_ nodes: [Int]) {
        for node in nodes { _ = try? Self.run("tc", ["qdisc", "del", "dev", hostEnd(node), "root"]) }
    }

    /// Whether one-way partitions can be made here: namespaces, and `tc` accepts the queue.
    public static var supportsOneWay: Bool {
        guard isAvailable, (try? run("tc", ["-V"])) != nil else { return false }
        return true
    }

    /// Deletes the namespaces (which deletes the node ends), the host ends and the bridges; ignores
    /// what does not exist.
    public func tearDown() {
        for node in 0..<count {
            _ = try? Self.ip(["link", "del", hostEnd(node)])
            _ = try? Self.ip(["netns", "del", namespace(node)])
        }
        for name in [bridge, cutBridge] { _ = try? Self.ip(["link", "del", name]) }
    }

    /// How node `i` is launched (inside its namespace, API on its address) and reached.
    public func launch(_ node: Int) -> NodeLaunch {
        NodeLaunch(
            prefix: ["ip", "netns", "exec", namespace(node)], extraArguments: ["--http-host", address(node)],
            apiHost: address(node))
    }

    /// Rewrites every node's `config.json` in `directory` (as `Testnet.initialize` wrote it on one
    /// host) to listen on its namespace address and dial its peers at theirs.
    public func rewriteConfigurations(directory: String) throws(DevnetError) {
        var homes: [(path: String, configuration: NodeConfiguration)] = []
        for node in 0..<count {
            let home = (directory as NSString).appendingPathComponent("node\(node)")
            do {
                homes.append((home, try NodeHome.load(home).configuration))
            } catch {
                throw DevnetError(.invalidLayout, "\(home): \(error)")
            }
        }
        let ports = homes.map(\.configuration.listenPort)
        for (node, home) in homes.enumerated() {
            var configuration = home.configuration
            configuration.listenHost = address(node)
            configuration.peers = configuration.peers.map { peer in
                // `hexkey@host:port`: the port names the node.
                guard let at = peer.firstIndex(of: "@"), let colon = peer.lastIndex(of: ":"),
                    let port = Int(peer[peer.index(after: colon)...]), let index = ports.firstIndex(of: port)
                else { return peer }
                return "\(peer[..<at])@\(address(index)):\(port)"
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            let path = (home.path as NSString).appendingPathComponent(NodeHome.configurationFile)
            do {
                try encoder.encode(configuration).write(to: URL(fileURLWithPath: path))
            } catch {
                throw DevnetError(.io, "cannot write \(path): \(error)")
            }
        }
    }

    /// Runs `ip arguments`, throwing with its error output when it fails.
    @discardableResult
    static func ip(_ arguments: [String]) throws(DevnetError) -> String { try run("ip", arguments) }

    /// Runs an iproute2 tool (`ip`, `tc`), throwing with its error output when it fails.
    @discardableResult
    static func run(_ tool: String, _ arguments: [String]) throws(DevnetError) -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: NodeProcess.resolve(tool))
        process.arguments = arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        do {
            try process.run()
        } catch {
            throw DevnetError(.launchFailed, "cannot run \(tool): \(error)")
        }
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let message = String(decoding: errorData, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw DevnetError(.io, "\(tool) \(arguments.joined(separator: " ")): \(message)")
        }
        return String(decoding: outputData, as: UTF8.self)
    }
}

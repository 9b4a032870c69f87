import ArgumentParser
import Foundation
import HMNNode

/// `hmn reset --home D`: the recovery from damaged storage. Moves the node's data (ledger,
/// consensus WAL, memory store) aside and keeps its configuration, genesis and key; started
/// again, the node resyncs the chain from its peers by block sync.
struct ResetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reset",
        abstract: "Move a stopped node's data aside (keeps config, genesis and key) so it resyncs from peers.",
        discussion: """
            Use when `hmn start` refuses damaged storage (corruptStorage). The data directory is moved \
            to <data>.corrupt-<UTC time>, nothing is deleted. Refuses while a node runs from the home.
            """
    )

    @Option(help: "The node's home directory (config.json, genesis.json, node_key, data/).")
    var home: String

    func run() throws {
        let nodeHome: NodeHome
        let moved: String?
        do {
            nodeHome = try NodeHome.load(home)
            moved = try nodeHome.resetData()
        } catch {
            throw CommandFailure("cannot reset \(home): \(error.description)")
        }
        if let moved {
            print("moved the node's data to \(moved)")
        } else {
            print("\(nodeHome.dataDirectory) held no data; nothing moved")
        }
        print(
            "kept \(NodeHome.configurationFile), \(NodeHome.genesisFile) and the node key "
                + "(\(nodeHome.signingKey.publicKey.short))")
        print("start the node again (hmn start --home \(home)): it resyncs the chain from its peers by block sync.")
        print("if its consensus WAL was damaged, first check with `hmn status` that the other validators have")
        print("committed past the height it was at: it no longer remembers the votes it signed there.")
    }
}

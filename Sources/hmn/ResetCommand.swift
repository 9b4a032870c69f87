import ArgumentParser
import Foundation
import HMNNode

/// `hmn reset --home D`: the recovery from damaged storage. Moves the node's data (ledger,
/// consensus WAL, memory store) aside and keeps its configuration, genesis and key; started
/// again, the node resyncs the chain from its peers by block sync, signing nothing at the heights
/// it may already have signed at (the signing floor).
struct ResetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reset",
        abstract: "Move a stopped node's data aside (keeps config, genesis and key) so it resyncs from peers.",
        discussion: """
            Use when `hmn start` refuses damaged storage (corruptStorage). The data directory is moved \
            to <data>.corrupt-<UTC time>; nothing is deleted. Refuses while a node runs from the home. \
            Needs peers that hold the chain: a single-validator chain cannot resync (restore a backup).
            """
    )

    @Option(help: "The node's home directory (config.json, genesis.json, node_key, data/).")
    var home: String

    @Option(
        help: """
            Sign nothing up to this height after the reset; needed only when neither the old ledger nor \
            the old WAL can be read (use a peer's current height from `hmn status`).
            """)
    var signingFloor: UInt64?

    func run() throws {
        let nodeHome: NodeHome
        let reset: NodeHome.Reset?
        do {
            nodeHome = try NodeHome.load(home)
            reset = try nodeHome.resetData(signingFloorHeight: signingFloor)
        } catch {
            throw CommandFailure("cannot reset \(home): \(error.description)")
        }
        guard let reset else {
            print("\(nodeHome.dataDirectory) held no data; nothing moved")
            return
        }
        print("moved the node's data to \(reset.movedTo)")
        print(
            "kept \(NodeHome.configurationFile), \(NodeHome.genesisFile) and the node key "
                + "(\(nodeHome.signingKey.publicKey.short))")
        print("start the node again (hmn start --home \(home)): it resyncs the chain from its peers by block sync")
        print("and signs nothing up to height \(reset.signingFloorHeight), where it may have signed before the reset.")
    }
}

/// How thoroughly ``FullNode/open(home:transport:options:logger:)`` checks the ledger before the
/// node serves anything from it.
///
/// Every read checks its own row regardless (a block's hashes, roots and certificate hash are
/// recomputed before it is returned), so damaged data is never served; the open check finds damage
/// before a peer or client asks for it, and the node refuses to start on it.
public enum StorageCheck: String, Sendable, CaseIterable {
    /// Only what opening the ledger always checks: the tip block, the state root, the Layer-2 state
    /// and the current validator sets.
    case quick
    /// Also SQLite's `quick_check` of the whole file and every block row (hashes, body roots,
    /// links, times, transaction index). Costs one pass over the file; the default.
    case standard
    /// Also SQLite's slower `integrity_check` (every index against its table) and every commit
    /// certificate's signatures (≈ 13k signatures/s per core in release).
    case full
}

/// The typed errors a node's damaged storage produces, each naming the file and the recovery.
enum StorageFault {
    /// The damaged file is part of the chain data: resync from peers after `hmn reset`.
    static func corrupt(_ what: String, path: String, detail: String, home: String, extra: String = "") -> NodeError {
        NodeError(
            .corruptStorage,
            "\(what) \(path) is damaged: \(detail). The node does not start on damaged data and never serves it. "
                + "To recover: stop the node, run `hmn reset --home \(home)` (keeps config.json, genesis.json and "
                + "the node key; moves the data directory aside to data.corrupt-<time>), then start the node "
                + "again: it resyncs the chain from its peers by block sync.\(extra)")
    }

    static func ledger(_ detail: String, home: NodeHome) -> NodeError {
        corrupt("the ledger database", path: home.ledgerPath, detail: detail, home: home.directory)
    }

    /// The WAL holds the votes this node signed at its current height; after a reset it no longer
    /// remembers them, so the reset's signing floor keeps it from voting at that height again.
    static func wal(_ detail: String, home: NodeHome) -> NodeError {
        corrupt(
            "the consensus write-ahead log", path: home.walPath, detail: detail, home: home.directory,
            extra: " The reset records the height this node was at; it signs nothing up to there (it no longer "
                + "remembers the votes it signed) and only follows the chain until it has resynced past it.")
    }

    /// The ledger and the consensus WAL disagree about the height: one of them lost committed
    /// records. After a crash the usual cause is SQLite discarding damaged frames of the ledger's
    /// own WAL (`ledger.sqlite-wal`), which it does silently; the consensus WAL is the cross-check.
    static func mismatch(_ detail: String, home: NodeHome) -> NodeError {
        corrupt(
            "the ledger and the consensus write-ahead log", path: "\(home.ledgerPath) and \(home.walPath)",
            detail: "they disagree (\(detail)), so one of them lost committed records (SQLite drops damaged "
                + "frames of \(home.ledgerPath)-wal at recovery; or the consensus WAL was damaged)",
            home: home.directory,
            extra: " The reset records the height this node was at; it signs nothing up to there and only follows "
                + "the chain until it has resynced past it.")
    }

    static func memory(_ detail: String, home: NodeHome) -> NodeError {
        corrupt(
            "the memory store", path: home.memoryPath, detail: detail, home: home.directory,
            extra: " To keep the ledger instead, stop the node and move only \(home.memoryPath) aside: the node "
                + "then starts with an empty memory store (records are not fetched back from peers).")
    }
}

import Foundation
import HMNConsensus
import HMNStorage

extension NodeHome {
    /// What ``resetData(now:signingFloorHeight:)`` did.
    public struct Reset: Sendable, Hashable {
        /// Where the old data directory went.
        public var movedTo: String
        /// The node signs nothing at or below this height until it has resynced past it.
        public var signingFloorHeight: UInt64
    }

    /// The file in the data directory holding the signing floor a reset leaves behind.
    public static let signingFloorFile = "signing_floor"

    /// Moves the data directory (ledger, consensus WAL, memory store) aside to
    /// `<data>.corrupt-<UTC time>` and leaves an empty one, keeping config.json, genesis.json and
    /// the node key: the node then starts at height 0 of the same chain with the same identity and
    /// catches up from its peers by block sync. Nothing is deleted, so the damaged files remain
    /// for inspection.
    ///
    /// The node forgets what it signed, so the reset also leaves a **signing floor** in the new
    /// data directory: the highest height it may have signed at (the old ledger's tip + 1, or the
    /// old WAL's height, whichever is higher and readable). Until its ledger passes that height
    /// the node votes and proposes nothing (``FullNode/open(home:transport:options:logger:)``
    /// passes it to the consensus engine), so resyncing cannot make it sign twice at a height.
    ///
    /// Refuses while a node runs from this home (``DataDirectoryLock``).
    ///
    /// - Parameter signingFloorHeight: a floor to use when neither the old ledger nor the old WAL
    ///   can be read (e.g. a peer's current height); the higher of it and the derived one wins.
    /// - Returns: what was done, or nil if the data directory held nothing.
    /// - Throws: ``NodeConfigurationError/Code/locked`` while a node runs;
    ///   ``NodeConfigurationError/Code/invalidValue`` if no floor can be derived or was given.
    @discardableResult
    public func resetData(
        now: Date = Date(), signingFloorHeight override: UInt64? = nil
    ) throws(NodeConfigurationError) -> Reset? {
        let manager = FileManager.default
        let lock = try DataDirectoryLock.acquire(self)
        defer { withExtendedLifetime(lock) {} }
        let contents = (try? manager.contentsOfDirectory(atPath: dataDirectory)) ?? []
        guard contents.contains(where: { $0 != DataDirectoryLock.fileName && $0 != Self.signingFloorFile }) else {
            return nil
        }
        let derived = [Self.lastSignableHeight(ledger: ledgerPath), Self.lastSignableHeight(wal: walPath)]
            .compactMap { $0 }.max()
        guard let floor = [derived, override, try signingFloorHeight()].compactMap({ $0 }).max() else {
            throw NodeConfigurationError(
                .invalidValue,
                "neither the ledger nor the consensus WAL can be read, so the height this node last signed at is "
                    + "unknown; pass it (e.g. a peer's current height from `hmn status`) as the signing floor",
                path: dataDirectory)
        }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        let base = dataDirectory + ".corrupt-" + formatter.string(from: now)
        var destination = base
        var suffix = 2
        while manager.fileExists(atPath: destination) {
            destination = "\(base)-\(suffix)"
            suffix += 1
        }
        do {
            // The lock file moves with the directory; the lock stays held until `lock` is released.
            try manager.moveItem(atPath: dataDirectory, toPath: destination)
            try manager.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
            try Data("\(floor)\n".utf8)
                .write(to: URL(fileURLWithPath: Self.path(dataDirectory, Self.signingFloorFile)), options: .atomic)
        } catch {
            throw NodeConfigurationError(
                .io, "cannot move the data directory to \(destination): \(error)", path: dataDirectory)
        }
        return Reset(movedTo: destination, signingFloorHeight: floor)
    }

    /// The signing floor a reset left in the data directory, if any.
    public func signingFloorHeight() throws(NodeConfigurationError) -> UInt64? {
        let path = Self.path(dataDirectory, Self.signingFloorFile)
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        guard let text = String(data: data, encoding: .utf8),
            let height = UInt64(text.trimmingCharacters(in: .whitespacesAndNewlines))
        else {
            throw NodeConfigurationError(.malformedFile, "the signing floor is not a height", path: path)
        }
        return height
    }

    /// Removes the signing floor once the ledger has passed it.
    func clearSigningFloor() {
        try? FileManager.default.removeItem(atPath: Self.path(dataDirectory, Self.signingFloorFile))
    }

    /// The old ledger's tip + 1 (the engine signs only at the height after the tip), if readable.
    static func lastSignableHeight(ledger path: String) -> UInt64? {
        guard FileManager.default.fileExists(atPath: path),
            let database = try? SQLiteDatabase(path: path, options: .init(readOnly: true))
        else { return nil }
        defer { database.close() }
        guard let statement = try? database.statement("SELECT MAX(height) FROM blocks"), (try? statement.step()) == true
        else { return nil }
        return (statement.isNull(0) ? 0 : statement.uint64(0)) + 1
    }

    /// The highest height in the old WAL's intact records, if any.
    static func lastSignableHeight(wal path: String) -> UInt64? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return WALFraming.scan([UInt8](data)).records.compactMap { record -> UInt64? in
            switch record {
            case .heightStarted(let snapshot): snapshot.height
            case .roundStarted(let height, _): height
            case .signedProposal(let proposal): proposal.height
            case .signedVote(let vote): vote.height
            case .received: nil
            }
        }.max()
    }
}

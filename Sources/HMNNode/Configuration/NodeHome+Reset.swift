import Foundation

extension NodeHome {
    /// Moves the data directory (ledger, consensus WAL, memory store) aside to
    /// `<data>.corrupt-<UTC time>` and leaves an empty one, keeping config.json, genesis.json and
    /// the node key: the node then starts at height 0 of the same chain with the same identity and
    /// catches up from its peers by block sync. Nothing is deleted, so the damaged files remain
    /// for inspection.
    ///
    /// Refuses while a node runs from this home (``DataDirectoryLock``).
    ///
    /// - Returns: where the old data went, or nil if the data directory held nothing.
    @discardableResult
    public func resetData(now: Date = Date()) throws(NodeConfigurationError) -> String? {
        let manager = FileManager.default
        let lock = try DataDirectoryLock.acquire(self)
        let contents = (try? manager.contentsOfDirectory(atPath: dataDirectory)) ?? []
        guard contents.contains(where: { $0 != DataDirectoryLock.fileName }) else { return nil }
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
        } catch {
            throw NodeConfigurationError(
                .io, "cannot move the data directory to \(destination): \(error)", path: dataDirectory)
        }
        withExtendedLifetime(lock) {}
        return destination
    }
}

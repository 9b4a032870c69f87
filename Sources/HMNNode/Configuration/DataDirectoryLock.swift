#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An exclusive advisory lock (`flock`) on `<data>/LOCK`: `hmn start` holds it while the node
/// runs, `hmn reset` takes it before moving the data away, so neither can pull the files from
/// under a running node. The kernel releases it when the holder exits, even after `kill -9`, so a
/// stale LOCK file never blocks anything.
public final class DataDirectoryLock: Sendable {
    public static let fileName = "LOCK"

    /// The lock file.
    public let path: String
    private let descriptor: Int32

    private init(path: String, descriptor: Int32) {
        self.path = path
        self.descriptor = descriptor
    }

    /// Takes the lock of `home`'s data directory without waiting.
    ///
    /// - Throws: ``NodeConfigurationError/Code/locked`` if another process (or another lock
    ///   object in this one) holds it; ``NodeConfigurationError/Code/io`` if the file cannot be opened.
    public static func acquire(_ home: NodeHome) throws(NodeConfigurationError) -> DataDirectoryLock {
        let path = NodeHome.path(home.dataDirectory, fileName)
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw NodeConfigurationError(.io, "cannot open the lock file: errno \(errno)", path: path)
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let code = errno
            close(descriptor)
            if code == EWOULDBLOCK {
                throw NodeConfigurationError(
                    .locked, "the data directory is in use: a node is running from this home (stop it first)",
                    path: path)
            }
            throw NodeConfigurationError(.io, "cannot lock: errno \(code)", path: path)
        }
        return DataDirectoryLock(path: path, descriptor: descriptor)
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}

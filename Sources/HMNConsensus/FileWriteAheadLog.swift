import HMNPrimitives

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A write-ahead log in one file: every append is written before it returns, and fsynced when the
/// record requires it (``WALRecord/requiresSync``: what this node signed).
///
/// A checkpoint is appended, and made durable by the next fsync (see ``checkpoint(_:)``); only when
/// the file has grown past ``compactionBytes`` does a checkpoint write a new file holding just
/// itself, fsync it and rename it over the old one (atomic on POSIX). CometBFT's WAL likewise
/// appends an end-of-height marker and rotates by size. Rewriting the file at every height cost
/// two fsyncs, a rename and a directory fsync per block, about 7 % of a node's CPU samples on a
/// low-latency chain (2026-12-07).
/// ``records()`` returns the records from the last checkpoint on, which is all recovery reads.
/// Opening truncates a torn tail, so a crash mid-write loses at most the record being written —
/// which was never acknowledged, so nothing that followed it was sent. Damage with intact records
/// after it is not a crash: opening throws ``ConsensusError/Code/walCorrupt`` and leaves the file
/// as it is (see ``WALFraming/scan(_:)``).
public final class FileWriteAheadLog: WriteAheadLog {
    public let path: String
    private var descriptor: Int32
    /// Bytes of torn tail dropped since this log was opened (0 after a clean shutdown), so the
    /// owner can log the recovery.
    public private(set) var truncatedTailBytes = 0
    /// fsyncs of appended records since open (tests, and the profile's accounting).
    public private(set) var appendSyncCount = 0
    /// A checkpoint rewrites the file (instead of appending) once it is at least this long.
    public let compactionBytes: Int
    /// Checkpoints that rewrote the file since open.
    public private(set) var compactionCount = 0
    /// The file's length as this object wrote it.
    private var size = 0

    public init(path: String, compactionBytes: Int = 1 << 20) throws(ConsensusError) {
        self.path = path
        self.compactionBytes = compactionBytes
        descriptor = open(path, O_RDWR | O_CREAT | O_APPEND, 0o600)
        guard descriptor >= 0 else { throw Self.ioError("open", path) }
        _ = try records()
    }

    deinit { close(descriptor) }

    public func append(_ record: WALRecord) throws(ConsensusError) {
        let frame = WALFraming.frame(record)
        try Self.writeAll(descriptor, frame, path: path)
        size += frame.count
        guard record.requiresSync else { return }
        guard fsync(descriptor) == 0 else { throw Self.ioError("fsync", path) }
        appendSyncCount += 1
    }

    public func checkpoint(_ snapshot: HeightSnapshot) throws(ConsensusError) {
        let frame = WALFraming.frame(.heightStarted(snapshot))
        guard size + frame.count > compactionBytes else {
            // Appended without an fsync of its own. Nothing the node sends depends on it: the
            // commit is durable in the ledger, and the next record this node signs is fsynced
            // before it is sent, which flushes this one with it. A power cut before then leaves the
            // previous checkpoint, one height behind the ledger, which recovery handles.
            try Self.writeAll(descriptor, frame, path: path)
            size += frame.count
            return
        }
        let temporary = path + ".tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else { throw Self.ioError("open", temporary) }
        do throws(ConsensusError) {
            try Self.writeAll(fd, frame, path: temporary)
            guard fsync(fd) == 0 else { throw Self.ioError("fsync", temporary) }
        } catch {
            close(fd)
            throw error
        }
        close(fd)
        guard rename(temporary, path) == 0 else { throw Self.ioError("rename", temporary) }
        close(descriptor)
        descriptor = open(path, O_RDWR | O_APPEND, 0o600)
        guard descriptor >= 0 else { throw Self.ioError("reopen", path) }
        size = frame.count
        compactionCount += 1
        syncDirectory()
    }

    public func records() throws(ConsensusError) -> [WALRecord] {
        let length = lseek(descriptor, 0, SEEK_END)
        guard length >= 0 else { throw Self.ioError("lseek", path) }
        var bytes = [UInt8](repeating: 0, count: Int(length))
        var offset = 0
        while offset < bytes.count {
            let count = bytes.withUnsafeMutableBytes { buffer in
                pread(descriptor, buffer.baseAddress! + offset, buffer.count - offset, off_t(offset))
            }
            guard count > 0 else { throw Self.ioError("pread", path) }
            offset += count
        }
        let scan = WALFraming.scan(bytes)
        if let error = scan.corruption(in: path) { throw error }
        if scan.validLength < bytes.count {
            guard ftruncate(descriptor, off_t(scan.validLength)) == 0, fsync(descriptor) == 0 else {
                throw Self.ioError("truncate torn tail of", path)
            }
            truncatedTailBytes += bytes.count - scan.validLength
        }
        size = scan.validLength
        return WALFraming.sinceLastCheckpoint(scan.records)
    }

    private func syncDirectory() {
        var directory = String(path.prefix(while: { _ in true }))
        if let slash = directory.lastIndex(of: "/") {
            directory = String(directory[..<slash])
        } else {
            directory = "."
        }
        let fd = open(directory.isEmpty ? "/" : directory, O_RDONLY)
        if fd >= 0 {
            _ = fsync(fd)
            close(fd)
        }
    }

    private static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws(ConsensusError) {
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { buffer in
                write(fd, buffer.baseAddress! + written, buffer.count - written)
            }
            guard count > 0 else { throw ioError("write", path) }
            written += count
        }
    }

    private static func ioError(_ operation: String, _ path: String) -> ConsensusError {
        ConsensusError(.walIO, "\(operation) \(path) failed: errno \(errno)")
    }
}

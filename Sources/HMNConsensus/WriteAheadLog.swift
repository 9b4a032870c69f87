import HMNPrimitives

/// Durable storage for the consensus write-ahead log.
///
/// ``append(_:)`` returns only once a record that ``WALRecord/requiresSync`` is durable (fsync for
/// files), and every earlier record with it: the engine's shell persists every signed vote before
/// sending it, which is what makes double-signing after a crash impossible. Other records are
/// written (they survive `kill -9`) without waiting for the disk. ``checkpoint(_:)`` starts a new
/// height: records before it are no longer needed. It need not be durable at once (the file WAL
/// makes it durable with the next synced append): recovery accepts a checkpoint one height behind
/// the application.
public protocol WriteAheadLog: AnyObject {
    func append(_ record: WALRecord) throws(ConsensusError)
    func checkpoint(_ snapshot: HeightSnapshot) throws(ConsensusError)
    /// The intact records from the last checkpoint on, in order (every record when there is no
    /// checkpoint); a torn tail is dropped (and truncated for files). Damage
    /// followed by intact records (a bit flip, not a crash) throws ``ConsensusError/Code/walCorrupt``
    /// and changes nothing: dropping those records could forget a vote this node signed.
    func records() throws(ConsensusError) -> [WALRecord]
}

/// The on-disk frame shared by both implementations:
/// `UInt32 length ‖ 8-byte BLAKE2b-256 prefix of the payload ‖ payload (canonical WALRecord)`.
public enum WALFraming {
    public static let headerBytes = 12
    /// Upper bound on one record, checked before reading it.
    public static let maxRecordBytes = 16 << 20

    /// The suffix of `records` that starts at the last checkpoint (all of them without one).
    public static func sinceLastCheckpoint(_ records: [WALRecord]) -> [WALRecord] {
        let last = records.lastIndex { record in
            if case .heightStarted = record { return true }
            return false
        }
        guard let last, last > 0 else { return records }
        return Array(records[last...])
    }

    public static func frame(_ record: WALRecord) -> [UInt8] {
        let payload = record.canonicalBytes
        var encoder = CanonicalEncoder(capacity: payload.count + headerBytes)
        encoder.encode(UInt32(payload.count))
        encoder.encodeFixed(Hash256.of(payload).bytes.prefix(8))
        encoder.encodeFixed(payload)
        return encoder.bytes
    }

    /// Decodes frames until the first incomplete or corrupt one. Returns the records and the
    /// byte length of the intact prefix.
    public static func unframe(_ bytes: [UInt8]) -> (records: [WALRecord], validLength: Int) {
        let scan = scan(bytes)
        return (scan.records, scan.validLength)
    }

    /// Decodes frames until the first incomplete or corrupt one and classifies what follows it.
    public static func scan(_ bytes: [UInt8]) -> WALScan {
        var records: [WALRecord] = []
        var offset = 0
        while offset < bytes.count {
            guard let (record, end) = intactFrame(bytes, at: offset) else {
                return WALScan(
                    records: records, validLength: offset,
                    damagedOffset: isTornTail(bytes, from: offset) ? nil : offset)
            }
            records.append(record)
            offset = end
        }
        return WALScan(records: records, validLength: offset, damagedOffset: nil)
    }

    /// The record of the frame at `offset` and where the frame ends, if the frame is whole, its
    /// checksum matches and its payload decodes.
    static func intactFrame(_ bytes: [UInt8], at offset: Int) -> (WALRecord, Int)? {
        guard let length = declaredLength(bytes, at: offset), bytes.count - offset - headerBytes >= length else {
            return nil
        }
        let bodyStart = offset + headerBytes
        let payload = Array(bytes[bodyStart..<bodyStart + length])
        guard Hash256.of(payload).bytes.prefix(8).elementsEqual(bytes[offset + 4..<bodyStart]),
            let record = try? WALRecord(canonicalBytes: payload, maxLength: maxRecordBytes)
        else { return nil }
        return (record, bodyStart + length)
    }

    static func declaredLength(_ bytes: [UInt8], at offset: Int) -> Int? {
        guard bytes.count - offset >= headerBytes else { return nil }
        return bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
    }

    /// Whether the damage starting at `offset` is what a crash during the last append leaves.
    ///
    /// Appends are sequential and each is fsynced before the next begins, so a crash can only
    /// leave the last frame incomplete (shorter than declared, or with its last sectors unwritten)
    /// or a zero-filled extension. Anything else — a frame that ends before the end of the file
    /// with bytes after it, a length beyond any record, or an intact frame after the damage
    /// that ends the file — is corruption of acknowledged records.
    static func isTornTail(_ bytes: [UInt8], from offset: Int) -> Bool {
        if bytes[offset...].allSatisfy({ $0 == 0 }) { return true }
        guard let length = declaredLength(bytes, at: offset) else { return true }
        guard length <= maxRecordBytes else { return false }
        // Bytes after the frame's declared end: the append completed, so this is damage.
        guard offset + headerBytes + length >= bytes.count else { return false }
        // The frame reaches (or claims more than) the end of the file: a torn last append,
        // unless its length field itself was damaged and whole records follow it.
        return !intactFrameEndsFile(bytes, after: offset)
    }

    /// Whether a whole, intact frame after `offset` ends exactly at the end of `bytes`: after a
    /// torn append nothing can (its 8-byte checksum would have to match by chance), after a damaged
    /// length field the log's last record does. Linear: a checksum is computed only for a frame
    /// whose declared length reaches the end exactly.
    static func intactFrameEndsFile(_ bytes: [UInt8], after offset: Int) -> Bool {
        guard bytes.count - offset > headerBytes else { return false }
        for position in stride(from: bytes.count - headerBytes, to: offset, by: -1) {
            guard let length = declaredLength(bytes, at: position), position + headerBytes + length == bytes.count
            else { continue }
            if intactFrame(bytes, at: position) != nil { return true }
        }
        return false
    }
}

/// What ``WALFraming/scan(_:)`` found: the intact prefix and, when damage is followed by more
/// data, where the damage begins.
public struct WALScan: Sendable {
    /// The records of the intact prefix, in order.
    public var records: [WALRecord]
    /// Byte length of the intact prefix.
    public var validLength: Int
    /// Offset of a damaged frame that is not a torn tail (nil when the log is intact or only its
    /// tail is torn).
    public var damagedOffset: Int?

    /// The error to refuse a log with mid-log damage, naming the file, the offset and the height
    /// the intact records belong to.
    func corruption(in name: String) -> ConsensusError? {
        guard let damagedOffset else { return nil }
        var height = ""
        if case .heightStarted(let snapshot) = records.first {
            height = "; the intact records before it are for height \(snapshot.height)"
        }
        return ConsensusError(
            .walCorrupt,
            "\(name): the record at byte \(damagedOffset) fails its checksum and intact data follows it "
                + "(storage damage, not a torn write)\(height). Records after it may include votes this node "
                + "signed, so the log is not truncated")
    }
}

/// A write-ahead log in memory: the simulator's disk. It outlives the engine that writes to it, so
/// a simulated crash (dropping the engine) followed by a restart replays it like a file.
public final class InMemoryWriteAheadLog: WriteAheadLog {
    /// The raw framed bytes, exposed so tests can tear or corrupt the tail.
    public var bytes: [UInt8] = []
    public private(set) var appendCount = 0

    public init() {}

    public func append(_ record: WALRecord) throws(ConsensusError) {
        bytes.append(contentsOf: WALFraming.frame(record))
        appendCount += 1
    }

    public func checkpoint(_ snapshot: HeightSnapshot) throws(ConsensusError) {
        bytes = WALFraming.frame(.heightStarted(snapshot))
        appendCount += 1
    }

    public func records() throws(ConsensusError) -> [WALRecord] {
        let scan = WALFraming.scan(bytes)
        if let error = scan.corruption(in: "in-memory WAL") { throw error }
        if scan.validLength < bytes.count { bytes.removeLast(bytes.count - scan.validLength) }
        return scan.records
    }
}

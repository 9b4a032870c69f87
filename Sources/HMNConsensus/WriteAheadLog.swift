import HMNPrimitives

/// Durable storage for the consensus write-ahead log.
///
/// ``append(_:)`` returns only once the record is durable (fsync for files): the engine's shell
/// persists every signed vote before sending it, which is what makes double-signing after a crash
/// impossible. ``checkpoint(_:)`` atomically replaces the log by one record when a height begins.
public protocol WriteAheadLog: AnyObject {
    func append(_ record: WALRecord) throws(ConsensusError)
    func checkpoint(_ snapshot: HeightSnapshot) throws(ConsensusError)
    /// Every intact record in order; a torn or corrupt tail is dropped (and truncated for files).
    func records() throws(ConsensusError) -> [WALRecord]
}

/// The on-disk frame shared by both implementations:
/// `UInt32 length ‖ 8-byte BLAKE2b-256 prefix of the payload ‖ payload (canonical WALRecord)`.
public enum WALFraming {
    public static let headerBytes = 12
    /// Upper bound on one record, checked before reading it.
    public static let maxRecordBytes = 16 << 20

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
        var records: [WALRecord] = []
        var offset = 0
        while bytes.count - offset >= headerBytes {
            let length = bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
            let bodyStart = offset + headerBytes
            guard length <= maxRecordBytes, bytes.count - bodyStart >= length else { break }
            let payload = Array(bytes[bodyStart..<bodyStart + length])
            guard Hash256.of(payload).bytes.prefix(8).elementsEqual(bytes[offset + 4..<offset + 12]),
                let record = try? WALRecord(canonicalBytes: payload, maxLength: maxRecordBytes)
            else { break }
            records.append(record)
            offset = bodyStart + length
        }
        return (records, offset)
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
        let (records, validLength) = WALFraming.unframe(bytes)
        if validLength < bytes.count { bytes.removeLast(bytes.count - validLength) }
        return records
    }
}

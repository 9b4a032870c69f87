import Foundation
import HMNMesh
import HMNPrimitives

/// One memory record as a Milvus entity.
///
/// | field | Milvus type | holds |
/// |---|---|---|
/// | `id` | Int64 primary key, auto id | Milvus's row id (one per written version) |
/// | `vector` | FloatVector(dimension) | the record's vector as written |
/// | `hmn_id` | dynamic (JSON) string | the record id, lower-case hex |
/// | `hmn_bucket` | dynamic (JSON) int | the id's first two bytes, so a full scan can page by range |
/// | `hmn_record` | dynamic (JSON) string | base64 of the record's canonical bytes, exactly as written |
///
/// The record id is not the primary key because Milvus 2.3's REST v1 API creates collections with
/// an auto-generated Int64 key only; a replaced version is a new row and the old row is deleted
/// after it (never before, so an acknowledged record always has a row).
struct MilvusRow: Encodable {
    static let primaryField = "id"
    static let vectorField = "vector"
    /// Milvus 2.3 refuses a row whose dynamic fields exceed 65,536 bytes of JSON; the margin
    /// covers the id, bucket and key names.
    static let maxEncodedRecordBytes = 65_536 - 256

    var vector: [Float]
    var hmnID: String
    var bucket: Int
    var record: String

    enum CodingKeys: String, CodingKey {
        case vector
        case hmnID = "hmn_id"
        case bucket = "hmn_bucket"
        case record = "hmn_record"
    }

    init(_ record: MemoryRecord) {
        vector = record.vector
        hmnID = Hex.encode(record.id.bytes)
        bucket = Self.bucket(of: record.id)
        self.record = Data(record.canonicalBytes).base64EncodedString()
    }

    /// The first two bytes of an id, 0…65535.
    static func bucket(of id: Hash256) -> Int { Int(id.bytes[0]) << 8 | Int(id.bytes[1]) }

    /// Decodes a row's `hmn_record` and checks it is the record `hmn_id` names.
    static func decode(_ row: MilvusWire.RowReply, endpoint: String) throws(MilvusError) -> MemoryRecord {
        guard let text = row.record, let data = Data(base64Encoded: text) else {
            throw MilvusError(
                .corruptRow, "row \(row.id.value) has no readable hmn_record", context: .init(endpoint: endpoint))
        }
        let record: MemoryRecord
        do {
            record = try MemoryRecord(canonicalBytes: [UInt8](data))
        } catch {
            throw MilvusError(
                .corruptRow, "row \(row.id.value): hmn_record does not decode", context: .init(endpoint: endpoint),
                cause: "\(error)")
        }
        guard row.hmnID == nil || row.hmnID == Hex.encode(record.id.bytes) else {
            throw MilvusError(
                .corruptRow, "row \(row.id.value): hmn_id \(row.hmnID ?? "") names another record than hmn_record",
                context: .init(endpoint: endpoint))
        }
        return record
    }

    /// A Milvus boolean expression matching any of `ids` (hex is safe inside double quotes).
    static func filter(ids: some Sequence<Hash256>) -> String {
        "hmn_id in [" + ids.map { "\"\(Hex.encode($0.bytes))\"" }.joined(separator: ",") + "]"
    }
}

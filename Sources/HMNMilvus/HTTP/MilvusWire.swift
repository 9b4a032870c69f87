/// The request and reply bodies of Milvus's REST v1 API (`/v1/vector/…`, Milvus 2.3), as far as
/// this store uses them. Field names are Milvus's.
enum MilvusWire {
    struct CreateCollection: Encodable {
        var collectionName: String
        var dimension: Int
        var metricType: String
        var primaryField = MilvusRow.primaryField
        var vectorField = MilvusRow.vectorField
        var description = "HMN memory records (HMNMilvus)"
    }

    struct Insert: Encodable {
        var collectionName: String
        var data: [MilvusRow]
    }

    struct Query: Encodable {
        var collectionName: String
        var filter: String
        var outputFields: [String]
        var limit: Int
    }

    struct Get: Encodable {
        var collectionName: String
        var id: [Int64]
        var outputFields: [String]
    }

    struct Delete: Encodable {
        var collectionName: String
        var id: [Int64]
    }

    struct Search: Encodable {
        var collectionName: String
        var vector: [Float]
        var limit: Int
        var outputFields: [String]
    }

    /// `{}`: the data of a reply that carries none (create, delete).
    struct Empty: Decodable {}

    struct InsertReply: Decodable {
        var insertCount: Int
        var insertIds: [PrimaryKey]
    }

    /// A query, get or search result row; `distance` only on search rows.
    struct RowReply: Decodable {
        var id: PrimaryKey
        var hmnID: String?
        var record: String?
        var distance: Float?

        enum CodingKeys: String, CodingKey {
            case id = "id"
            case hmnID = "hmn_id"
            case record = "hmn_record"
            case distance
        }
    }

    struct Description: Decodable {
        var collectionName: String
        var enableDynamicField: Bool?
        var fields: [Field]
        var indexes: [Index]?
        var load: String?

        struct Field: Decodable {
            var name: String
            var type: String
            var primaryKey: Bool?
            var autoId: Bool?
        }

        struct Index: Decodable {
            var fieldName: String
            var metricType: String?
        }
    }

    /// Milvus's Int64 primary key: a JSON string in replies (it may exceed 2^53), a number in requests.
    struct PrimaryKey: Decodable, Hashable {
        var value: Int64

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let number = try? container.decode(Int64.self) {
                value = number
            } else if let parsed = Int64(try container.decode(String.self)) {
                value = parsed
            } else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "not an Int64 primary key")
            }
        }
    }
}

import HMNMilvus

/// Where a node keeps its memory records: `config.json`'s `vectorBackend`.
///
/// ```json
/// "vectorBackend": {"kind": "embedded"}
/// "vectorBackend": {"kind": "milvus", "url": "http://milvus.internal:19530", "collection": "hmn_node0"}
/// ```
/// The embedded store (`data/memory.sqlite`, HNSW in memory) is the default. `milvus` keeps the
/// records in a Milvus collection instead (HMNMilvus; Docs/OPERATIONS.md): for memory that outgrows
/// one machine. Optional Milvus keys: `token`, `requestTimeoutSeconds`, `visibilityTimeoutSeconds`.
public enum VectorBackendConfiguration: Hashable, Sendable, Codable {
    case embedded
    case milvus(MilvusConnection)

    private enum CodingKeys: String, CodingKey { case kind }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch try container.decode(String.self, forKey: .kind) {
        case "embedded": self = .embedded
        case "milvus": self = .milvus(try MilvusConnection(from: decoder))
        case let other:
            throw DecodingError.dataCorruptedError(
                forKey: .kind, in: container,
                debugDescription: "vectorBackend kind must be embedded or milvus, got \(other)")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .embedded:
            try container.encode("embedded", forKey: .kind)
        case .milvus(let connection):
            try container.encode("milvus", forKey: .kind)
            try connection.encode(to: encoder)
        }
    }
}

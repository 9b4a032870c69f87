import HMNNode
import HMNPrimitives

/// `POST /v1/memory/search` body.
public struct MemorySearchRequest: Codable, Hashable, Sendable {
    public var vector: [Float]
    public var k: Int
    public var filter: Filter?
    /// Return each hit's vector too (default false: vectors are large).
    public var includeVectors: Bool?
    /// Ask every shard instead of routing (default false): the reference for routed recall.
    public var allShards: Bool?

    /// Optional restrictions on the hits.
    public struct Filter: Codable, Hashable, Sendable {
        /// Only records by this author (hex key).
        public var author: String?
        /// Only records whose RΦV is at least this.
        public var minimumRPHV: FixedPointJSON?

        public init(author: String? = nil, minimumRPHV: FixedPointJSON? = nil) {
            self.author = author
            self.minimumRPHV = minimumRPHV
        }
    }

    public init(
        vector: [Float], k: Int, filter: Filter? = nil, includeVectors: Bool? = nil, allShards: Bool? = nil
    ) {
        self.vector = vector
        self.k = k
        self.filter = filter
        self.includeVectors = includeVectors
        self.allShards = allShards
    }

    enum CodingKeys: String, CodingKey {
        case vector, k, filter, includeVectors, allShards
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        vector = try container.decodeVector(forKey: .vector)
        k = try container.decode(Int.self, forKey: .k)
        filter = try container.decodeIfPresent(Filter.self, forKey: .filter)
        includeVectors = try container.decodeIfPresent(Bool.self, forKey: .includeVectors)
        allShards = try container.decodeIfPresent(Bool.self, forKey: .allShards)
    }

    /// The domain query, every field checked against the server's limits.
    public func query(maxDimension: Int, maxK: Int) throws(APIError) -> MemorySearchQuery {
        guard k >= 1, k <= maxK else { throw APIError(.invalidValue, "k must be in 1...\(maxK), got \(k)", field: "k") }
        return MemorySearchQuery(
            vector: try WireFormat.vector(vector, field: "vector", maxDimension: maxDimension), k: k,
            author: try filter?.author.map { text throws(APIError) in
                try WireFormat.publicKey(text, field: "filter.author")
            },
            minimumRPHV: try filter?.minimumRPHV?.unitInterval(field: "filter.minimumRPHV"),
            allShards: allShards ?? false)
    }
}

/// `POST /v1/memory/search` answer: hits best first and how the query was routed (SPEC §9).
public struct MemorySearchResponse: Codable, Hashable, Sendable {
    public var hits: [Hit]
    public var routing: Routing

    public struct Hit: Codable, Hashable, Sendable {
        public var record: MemoryRecordJSON
        public var distance: Float

        public init(record: MemoryRecordJSON, distance: Float) {
            self.record = record
            self.distance = distance
        }
    }

    /// `mode` is `direct` (the optimal shard alone), `fallback` (λ < 0.7 and a poor answer, so the
    /// next-nearest shards were asked too) or `all` (`allShards`); `servedShards` in asking order, out
    /// of `totalShards`; `unavailableShards` had no replica answering.
    public struct Routing: Codable, Hashable, Sendable {
        public var mode: String
        public var servedShards: [UInt32]
        public var totalShards: Int?
        public var unavailableShards: [UInt32]?

        public init(mode: String, servedShards: [UInt32], totalShards: Int? = nil, unavailableShards: [UInt32]? = nil) {
            self.mode = mode
            self.servedShards = servedShards
            self.totalShards = totalShards
            self.unavailableShards = unavailableShards
        }
    }

    public init(_ result: MemorySearchResult, includeVectors: Bool) {
        hits = result.hits.map {
            Hit(record: MemoryRecordJSON($0.record, includeVector: includeVectors), distance: $0.distance)
        }
        routing = Routing(
            mode: result.routing, servedShards: result.servedShards, totalShards: result.totalShards,
            unavailableShards: result.unavailableShards)
    }
}

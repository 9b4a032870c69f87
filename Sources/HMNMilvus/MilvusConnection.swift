/// Where a ``MilvusVectorStore`` keeps its vectors: a Milvus server's REST v1 endpoint (the
/// proxy's port, 19530 by default, which serves gRPC and HTTP on one listener) and a collection.
///
/// Codable, so it sits in a node's `config.json` under `vectorBackend` (Docs/OPERATIONS.md).
public struct MilvusConnection: Hashable, Sendable, Codable {
    /// Base URL of the Milvus proxy, e.g. `http://milvus.internal:19530` (the path `/v1/vector/…`
    /// is appended).
    public var url: String
    /// The collection; created on first open with this store's dimension and metric.
    public var collection: String
    /// `user:password` or an API key, sent as `Authorization: Bearer …` when Milvus has
    /// authorization on.
    public var token: String?
    /// Seconds to wait for any one HTTP reply before the call fails with `timeout`.
    public var requestTimeoutSeconds: Double
    /// Seconds a write waits until Milvus serves it to reads (REST v1 reads are Bounded
    /// consistency; see ``MilvusVectorStore``). Past it the write fails with `timeout`.
    public var visibilityTimeoutSeconds: Double

    public init(
        url: String, collection: String, token: String? = nil, requestTimeoutSeconds: Double = 10,
        visibilityTimeoutSeconds: Double = 10
    ) {
        self.url = url
        self.collection = collection
        self.token = token
        self.requestTimeoutSeconds = requestTimeoutSeconds
        self.visibilityTimeoutSeconds = visibilityTimeoutSeconds
    }

    private enum CodingKeys: String, CodingKey {
        case url, collection, token, requestTimeoutSeconds, visibilityTimeoutSeconds
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = MilvusConnection(url: "", collection: "")
        url = try c.decode(String.self, forKey: .url)
        collection = try c.decode(String.self, forKey: .collection)
        token = try c.decodeIfPresent(String.self, forKey: .token)
        requestTimeoutSeconds =
            try c.decodeIfPresent(Double.self, forKey: .requestTimeoutSeconds) ?? defaults.requestTimeoutSeconds
        visibilityTimeoutSeconds =
            try c.decodeIfPresent(Double.self, forKey: .visibilityTimeoutSeconds) ?? defaults.visibilityTimeoutSeconds
    }

    /// Checks what can be checked without the server: an http(s) URL, a collection name Milvus
    /// accepts (a letter or `_` first, then letters, digits, `_`; at most 255), positive timeouts.
    public func validate() throws(MilvusError) {
        guard url.hasPrefix("http://") || url.hasPrefix("https://"), url.count > 8 else {
            throw MilvusError(.invalidConfiguration, "url must start with http:// or https://, got '\(url)'")
        }
        let characters = Array(collection.utf8)
        let isLetter: (UInt8) -> Bool = { (65...90).contains($0) || (97...122).contains($0) || $0 == 95 }
        guard let first = characters.first, isLetter(first), characters.count <= 255,
            characters.allSatisfy({ isLetter($0) || (48...57).contains($0) })
        else {
            throw MilvusError(
                .invalidConfiguration,
                "collection must start with a letter or '_' and hold only letters, digits and '_', got '\(collection)'")
        }
        guard requestTimeoutSeconds > 0, visibilityTimeoutSeconds > 0 else {
            throw MilvusError(.invalidConfiguration, "timeouts must be positive")
        }
    }
}

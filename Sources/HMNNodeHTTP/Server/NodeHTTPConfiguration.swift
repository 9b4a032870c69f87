import HMNMesh

/// Where the API listens and the limits it enforces before a request reaches the node.
public struct NodeHTTPConfiguration: Sendable {
    /// Default request body limit: 1 MiB (a transaction is a few hundred bytes; a memory record
    /// with a 1,536-dimension vector is ~20 KB of JSON).
    public static let defaultMaxBodyBytes = 1 << 20

    /// Interface to bind (`127.0.0.1` keeps the API local; `0.0.0.0` exposes it).
    public var host: String
    /// TCP port; 0 picks a free one (tests).
    public var port: Int
    /// Largest accepted request body. Checked against `Content-Length` before reading and
    /// while reading (chunked bodies), so an oversize body is never buffered whole.
    public var maxBodyBytes: Int
    /// Largest `k` a search may ask for.
    public var maxSearchK: Int
    /// Most transactions one `POST /v1/transactions/batch` may carry (default 256; the body limit
    /// applies too: 256 transfers are about 100 KB of hex).
    public var maxBatchTransactions: Int
    /// Longest vector accepted before the node checks its store's dimension.
    public var maxVectorDimension: Int
    /// Server name for the `Server` header.
    public var serverName: String?

    public init(
        host: String = "127.0.0.1", port: Int = 26657, maxBodyBytes: Int = Self.defaultMaxBodyBytes,
        maxSearchK: Int = 1_000, maxVectorDimension: Int = MemoryRecord.maxDimension, serverName: String? = "hmn",
        maxBatchTransactions: Int = 256
    ) {
        self.host = host
        self.port = port
        self.maxBodyBytes = maxBodyBytes
        self.maxSearchK = maxSearchK
        self.maxVectorDimension = maxVectorDimension
        self.serverName = serverName
        self.maxBatchTransactions = maxBatchTransactions
    }
}

import Foundation
import HMNLedger
import HMNPrimitives

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A small client for the node's HTTP API (the `hmn status`, `hmn tx` and `hmn memory` commands).
///
/// Each method mirrors one route and returns its JSON type; any non-2xx answer throws a
/// ``NodeClientError`` carrying the server's ``ErrorBody``. Built on Foundation's `URLSession`
/// (FoundationNetworking on Linux), so the CLI needs no HTTP client package.
public struct NodeClient: Sendable {
    /// The API root, e.g. `http://127.0.0.1:26657`.
    public let baseURL: URL
    /// Per-request timeout.
    public let timeoutSeconds: Double
    private let session: URLSession

    public init(baseURL: URL, timeoutSeconds: Double = 10) {
        self.baseURL = baseURL
        self.timeoutSeconds = timeoutSeconds
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeoutSeconds
        session = URLSession(configuration: configuration)
    }

    /// A client for `http://host:port`.
    public init(host: String = "127.0.0.1", port: Int, timeoutSeconds: Double = 10) {
        self.init(baseURL: URL(string: "http://\(host):\(port)")!, timeoutSeconds: timeoutSeconds)
    }

    // MARK: Routes

    public func status() async throws(NodeClientError) -> StatusJSON { try await get("/v1/status") }

    public func health() async throws(NodeClientError) -> HealthJSON { try await get("/health") }

    /// Submits a signed transaction (its canonical bytes, hex-encoded). With `waitMilliseconds`
    /// > 0 (at most 30,000) the same request waits for the commit: the answer's `record` is set
    /// (`status` `"committed"`) when a block committed the transaction in time, and `status` is
    /// `"pending"` otherwise. Keep the wait below the client's timeout.
    public func submit(_ transaction: SignedTransaction, waitMilliseconds: Int = 0) async throws(NodeClientError)
        -> SubmitTransactionResponse
    {
        try await post(
            "/v1/transactions" + (waitMilliseconds > 0 ? "?waitMilliseconds=\(waitMilliseconds)" : ""),
            SubmitTransactionRequest(transaction))
    }

    /// Submits already-encoded transaction bytes as hex.
    public func submit(hex: String) async throws(NodeClientError) -> SubmitTransactionResponse {
        try await post("/v1/transactions", SubmitTransactionRequest(tx: hex))
    }

    /// Submits equivocation evidence (`POST /v1/evidence`) for the node's next proposal.
    public func submitEvidence(_ evidence: DuplicateVoteEvidence) async throws(NodeClientError)
        -> SubmitEvidenceResponse
    {
        try await post("/v1/evidence", SubmitEvidenceRequest(evidence))
    }

    /// Submits several transactions in one request (`POST /v1/transactions/batch`); each gets its
    /// own result, in order. Throws only when the request as a whole is refused.
    public func submitBatch(_ transactions: [SignedTransaction]) async throws(NodeClientError)
        -> SubmitTransactionBatchResponse
    {
        try await submitBatch(hex: transactions.map { Hex.encode($0.canonicalBytes) })
    }

    /// Submits already-encoded transactions, each as the hex of its signed bytes, in one request.
    public func submitBatch(hex: [String]) async throws(NodeClientError) -> SubmitTransactionBatchResponse {
        try await post("/v1/transactions/batch", SubmitTransactionBatchRequest(txs: hex))
    }

    /// The committed transaction; with `waitMilliseconds` > 0 the node holds the request until a
    /// block commits it or the time passes (then 404). Keep the wait below the client's timeout.
    public func transaction(id: Hash256, waitMilliseconds: Int = 0) async throws(NodeClientError)
        -> TransactionRecordJSON
    {
        try await get(
            "/v1/transactions/\(id.hex)" + (waitMilliseconds > 0 ? "?waitMilliseconds=\(waitMilliseconds)" : ""))
    }

    /// Waits until the transaction is committed by long polls of `GET /v1/transactions/{id}`
    /// (`?waitMilliseconds`, at most `pollMilliseconds` each, and within the client's timeout), or
    /// until `timeoutSeconds` pass, which throws the last 404 as a ``NodeClientError``. Other errors
    /// are thrown at once.
    public func waitForCommit(
        id: Hash256, timeoutSeconds: Double = 30, pollMilliseconds: Int = 5_000
    ) async throws(NodeClientError) -> TransactionRecordJSON {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: .milliseconds(Int64(timeoutSeconds * 1_000)))
        // Each long poll must end before the HTTP request times out.
        let longest = max(1, min(pollMilliseconds, Int(self.timeoutSeconds * 1_000) / 2, 30_000))
        while true {
            let wait = max(1, min(longest, Int(clock.now.duration(to: deadline) / .milliseconds(1))))
            let asked = clock.now
            do throws(NodeClientError) {
                return try await transaction(id: id, waitMilliseconds: wait)
            } catch  where error.status == 404 && clock.now < deadline {
                if Task.isCancelled { throw NodeClientError(.transport, "cancelled while waiting for \(id.hex)") }
                // A node that does not long-poll answers at once: pace the polls instead of spinning.
                let early = .milliseconds(wait) - asked.duration(to: clock.now)
                if early > .zero {
                    try? await Task.sleep(for: min(early, .milliseconds(pollMilliseconds), .milliseconds(100)))
                }
            }
        }
    }

    public func block(height: UInt64) async throws(NodeClientError) -> BlockJSON {
        try await get("/v1/blocks/\(height)")
    }

    public func block(id: Hash256) async throws(NodeClientError) -> BlockJSON {
        try await get("/v1/blocks/by-id/\(id.hex)")
    }

    public func account(_ key: PublicKey) async throws(NodeClientError) -> AccountJSON {
        try await get("/v1/accounts/\(key.hex)")
    }

    public func putMemory(_ record: MemoryRecordJSON) async throws(NodeClientError) -> MemoryPutResponse {
        try await post("/v1/memory", record)
    }

    public func searchMemory(_ search: MemorySearchRequest) async throws(NodeClientError) -> MemorySearchResponse {
        try await post("/v1/memory/search", search)
    }

    /// The record as written; a node that does not hold it answers 404 (``NodeClientError``).
    public func memoryRecord(id: Hash256) async throws(NodeClientError) -> MemoryRecordJSON {
        try await get("/v1/memory/\(id.hex)")
    }

    /// The shard map the node routes by and what it holds per shard.
    public func memoryShards() async throws(NodeClientError) -> MemoryShardsJSON { try await get("/v1/mesh/shards") }

    public func memoryProof(id: Hash256) async throws(NodeClientError) -> MemoryProofStatusJSON {
        try await get("/v1/memory/\(id.hex)/proof")
    }

    /// The Prometheus exposition text.
    public func metrics() async throws(NodeClientError) -> String {
        let (bytes, _) = try await send(method: "GET", path: "/metrics", body: nil)
        return String(decoding: bytes, as: UTF8.self)
    }

    // MARK: Transport

    private func get<T: Decodable>(_ path: String) async throws(NodeClientError) -> T {
        let (bytes, _) = try await send(method: "GET", path: path, body: nil)
        return try decode(bytes, path: path)
    }

    private func post<T: Decodable>(_ path: String, _ value: some Encodable) async throws(NodeClientError) -> T {
        let body: Data
        do {
            body = try JSONEncoder().encode(value)
        } catch {
            throw NodeClientError(.invalidResponse, "request for \(path) does not encode: \(error)")
        }
        let (bytes, _) = try await send(method: "POST", path: path, body: body)
        return try decode(bytes, path: path)
    }

    private func decode<T: Decodable>(_ bytes: Data, path: String) throws(NodeClientError) -> T {
        do {
            return try JSONDecoder().decode(T.self, from: bytes)
        } catch {
            throw NodeClientError(.invalidResponse, "answer from \(path) is not a \(T.self): \(error)")
        }
    }

    /// Sends one request; a non-2xx status throws with the server's error body when it has one.
    private func send(method: String, path: String, body: Data?) async throws(NodeClientError) -> (Data, Int) {
        guard let url = URL(string: path, relativeTo: baseURL) else {
            throw NodeClientError(.transport, "bad URL \(baseURL)\(path)")
        }
        var request = URLRequest(url: url, timeoutInterval: timeoutSeconds)
        request.httpMethod = method
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        if let body {
            request.httpBody = body
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await session.data(for: request)
        } catch {
            throw NodeClientError(.transport, "\(method) \(url.absoluteString): \(error.localizedDescription)")
        }
        guard let http = response as? HTTPURLResponse else {
            throw NodeClientError(.invalidResponse, "\(method) \(path): not an HTTP response")
        }
        guard (200..<300).contains(http.statusCode) else {
            let serverError = try? JSONDecoder().decode(ErrorBody.self, from: data)
            throw NodeClientError(
                .server, serverError?.error.message ?? "HTTP \(http.statusCode) from \(method) \(path)",
                status: http.statusCode, serverError: serverError?.error)
        }
        return (data, http.statusCode)
    }
}

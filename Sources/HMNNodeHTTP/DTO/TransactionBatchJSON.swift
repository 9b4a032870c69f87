/// `POST /v1/transactions/batch` body: the hex of up to
/// ``NodeHTTPConfiguration/maxBatchTransactions`` canonical `SignedTransaction`s.
///
/// Each item is checked and admitted on its own, in order, exactly as `POST /v1/transactions`
/// would: one sender's consecutive nonces may share a batch, and a bad item never sinks the others.
public struct SubmitTransactionBatchRequest: Codable, Hashable, Sendable {
    public var txs: [String]

    public init(txs: [String]) { self.txs = txs }
}

/// `POST /v1/transactions/batch` answer (200): one result per item, in the request's order.
public struct SubmitTransactionBatchResponse: Codable, Hashable, Sendable {
    /// Items admitted to the mempool.
    public var accepted: Int
    /// Items refused; each has its `error`.
    public var rejected: Int
    public var results: [Item]

    /// The outcome of one item: `status` `"pending"` with its `id`, or `"rejected"` with the
    /// error `POST /v1/transactions` would have answered (and the `id` when the bytes decoded).
    public struct Item: Codable, Hashable, Sendable {
        public var index: Int
        public var status: String
        public var id: String?
        public var error: ErrorBody.Detail?

        public init(index: Int, status: String, id: String? = nil, error: ErrorBody.Detail? = nil) {
            self.index = index
            self.status = status
            self.id = id
            self.error = error
        }
    }

    public init(results: [Item]) {
        self.results = results
        accepted = results.count { $0.status == "pending" }
        rejected = results.count - accepted
    }
}

import HMNLedger
import HMNNode
import HMNPrimitives
import Hummingbird

/// The `/v1` routes over a `NodeAPI`: each handler checks its input completely, calls the node
/// once, and maps the answer (or the node's `NodeError`) to JSON. A request that fails a check
/// never reaches the node, so a refused request changes nothing.
struct NodeRoutes<Node: NodeAPI>: Sendable {
    let node: Node
    let configuration: NodeHTTPConfiguration

    func register(on router: Router<some RequestContext>) {
        router.post("/v1/transactions") { request, _ in try await submitTransaction(request) }
        router.post("/v1/transactions/batch") { request, _ in try await submitTransactionBatch(request) }
        router.get("/v1/transactions/{id}") { request, context in try await transaction(request, context) }
        router.post("/v1/evidence") { request, _ in try await submitEvidence(request) }
        router.get("/v1/blocks/{height}") { _, context in try await block(atHeight: context) }
        router.get("/v1/blocks/by-id/{hash}") { _, context in try await block(byID: context) }
        router.get("/v1/accounts/{key}") { _, context in try await account(context) }
        router.get("/v1/status") { _, _ in JSONBody.response(StatusJSON(await node.status())) }
        router.post("/v1/memory") { request, _ in try await putMemory(request) }
        router.post("/v1/memory/search") { request, _ in try await searchMemory(request) }
        router.get("/v1/memory/{id}") { _, context in try await memoryRecord(context) }
        router.get("/v1/memory/{id}/proof") { _, context in try await memoryProof(context) }
        router.get("/v1/mesh/shards") { _, _ in
            guard let status = await node.memoryShards() else {
                throw APIError(.notFound, "this node does not shard its memory (every node holds every record)")
            }
            return JSONBody.response(MemoryShardsJSON(status))
        }
        router.get("/health") { _, _ in
            JSONBody.response(HealthJSON(status: "ok", height: await node.status().height))
        }
    }

    // MARK: Ledger

    /// `?waitMilliseconds=N` (0…30,000) holds the answer until a block commits the transaction
    /// (200 with its record) or N ms pass (202, as without the parameter): submit and finality in
    /// one request, as CometBFT's `broadcast_tx_commit` or an etcd put, without the round trip of
    /// a separate long poll.
    func submitTransaction(_ request: Request) async throws(APIError) -> Response {
        let wait = try Self.waitMilliseconds(request)
        let body = try await JSONBody.collect(request, limit: configuration.maxBodyBytes)
        if let refusal = node.submissionRefusal() { throw APIError(refusal) }
        let bytes = try APIRequestBody.transaction(body)
        let id = try await calling { () async throws(NodeError) in try await node.submitTransaction(bytes) }
        // The transaction is accepted whatever the wait brings: a wait that ends without a commit,
        // or fails (too many waiters, the node stopping), still answers 202 with its id.
        if wait > 0, let record = try? await node.transaction(id: id, waitMilliseconds: wait) {
            return JSONBody.response(
                SubmitTransactionResponse(id: id.hex, status: "committed", record: TransactionRecordJSON(record)))
        }
        return JSONBody.response(SubmitTransactionResponse(id: id.hex), status: .accepted)
    }

    /// Admits each item in order through the node's batch call (one journal write for the
    /// accepted ones); every item gets its own result, so one refusal costs only that item.
    func submitTransactionBatch(_ request: Request) async throws(APIError) -> Response {
        let body = try await JSONBody.collect(request, limit: configuration.maxBodyBytes)
        // A node that would refuse every item (backlog full, catching up) refuses the request
        // whole, before parsing it: under overload most requests are refused, and a refusal
        // should cost next to nothing. Nothing is admitted; the answer carries Retry-After.
        if let refusal = node.submissionRefusal() { throw APIError(refusal) }
        let items = try APIRequestBody.transactionBatch(body, maxItems: configuration.maxBatchTransactions)
        let decoded = items.compactMap { try? $0.get() }
        var submitted = await node.submitTransactions(decoded).makeIterator()
        var results: [SubmitTransactionBatchResponse.Item] = []
        results.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            do throws(APIError) {
                _ = try item.get()
                guard let result = submitted.next() else {
                    throw APIError(NodeError(.internalError, "no result for item \(index)"))
                }
                let id = try await calling { () async throws(NodeError) in try result.get() }
                results.append(.init(index: index, status: "pending", id: id.hex))
            } catch {
                // An item refused as overloaded was refused before decoding; decoding it now only for
                // its id would make a refusal cost what an admission does.
                let id =
                    error.code == .overloaded
                    ? nil : (try? item.get()).flatMap { try? SignedTransaction(canonicalBytes: $0).id }
                results.append(.init(index: index, status: "rejected", id: id?.hex, error: error.body.error))
            }
        }
        return JSONBody.response(SubmitTransactionBatchResponse(results: results))
    }

    func submitEvidence(_ request: Request) async throws(APIError) -> Response {
        let body = try await JSONBody.collect(request, limit: configuration.maxBodyBytes)
        let bytes = try APIRequestBody.evidence(body)
        let evidence = try await calling { () async throws(NodeError) in try await node.submitEvidence(bytes) }
        return JSONBody.response(SubmitEvidenceResponse(evidence), status: .accepted)
    }

    /// `?waitMilliseconds=N` (0…30,000) makes it a long poll: the answer comes when a block commits
    /// the transaction, or as 404 once N ms have passed.
    func transaction(_ request: Request, _ context: some RequestContext) async throws(APIError) -> Response {
        let id = try WireFormat.hash(try parameter("id", context), field: "id")
        let wait = try Self.waitMilliseconds(request)
        guard
            let record = try await calling({ () async throws(NodeError) in
                try await node.transaction(id: id, waitMilliseconds: wait)
            })
        else {
            throw APIError(
                .notFound,
                "transaction \(id.hex) is not committed on this node" + (wait > 0 ? " (waited \(wait) ms)" : ""))
        }
        return JSONBody.response(TransactionRecordJSON(record))
    }

    /// The `waitMilliseconds` query parameter: absent is 0; anything but an integer in
    /// 0…``FullNode/maxCommitWaitMilliseconds`` is refused before the node is asked.
    static func waitMilliseconds(_ request: Request) throws(APIError) -> UInt64 {
        guard let text = request.uri.queryParameters["waitMilliseconds"] else { return 0 }
        guard let value = UInt64(text), value <= FullNode.maxCommitWaitMilliseconds else {
            throw APIError(
                .invalidValue,
                "waitMilliseconds must be an integer in 0…\(FullNode.maxCommitWaitMilliseconds), got '\(text)'",
                field: "waitMilliseconds")
        }
        return value
    }

    func block(atHeight context: some RequestContext) async throws(APIError) -> Response {
        let text = try parameter("height", context)
        guard let height = UInt64(text), height >= 1 else {
            throw APIError(.invalidValue, "height must be an integer ≥ 1, got '\(text)'", field: "height")
        }
        guard
            let block = try await calling({ () async throws(NodeError) in try await node.block(atHeight: height) })
        else { throw APIError(.notFound, "no committed block at height \(height)") }
        return JSONBody.response(BlockJSON(block, localCommit: await node.commitTiming(height: height)))
    }

    func block(byID context: some RequestContext) async throws(APIError) -> Response {
        let id = try WireFormat.hash(try parameter("hash", context), field: "hash")
        guard let block = try await calling({ () async throws(NodeError) in try await node.block(id: id) }) else {
            throw APIError(.notFound, "no committed block with id \(id.hex)")
        }
        return JSONBody.response(BlockJSON(block, localCommit: await node.commitTiming(height: block.height)))
    }

    func account(_ context: some RequestContext) async throws(APIError) -> Response {
        let key = try WireFormat.publicKey(try parameter("key", context), field: "key")
        guard let account = try await calling({ () async throws(NodeError) in try await node.account(key) }) else {
            throw APIError(.notFound, "no account \(key.hex)")
        }
        return JSONBody.response(AccountJSON(key: key, account: account))
    }

    // MARK: Memory

    func putMemory(_ request: Request) async throws(APIError) -> Response {
        let body = try await JSONBody.collect(request, limit: configuration.maxBodyBytes)
        let record = try APIRequestBody.memoryRecord(body, configuration: configuration)
        let result = try await calling { () async throws(NodeError) in try await node.putMemory(record) }
        let answer = MemoryPutResponse(
            id: result.id.hex, contentHash: record.contentHash.hex, proofSubmitted: result.proofSubmitted,
            proofTransactionId: result.proofTransactionID?.hex, shard: result.shard,
            replicas: result.shard == nil ? nil : result.replicas.map(\.hex))
        return JSONBody.response(answer, status: .created)
    }

    func searchMemory(_ request: Request) async throws(APIError) -> Response {
        let body = try await JSONBody.collect(request, limit: configuration.maxBodyBytes)
        let (query, includeVectors) = try APIRequestBody.memorySearch(body, configuration: configuration)
        let result = try await calling { () async throws(NodeError) in try await node.searchMemory(query) }
        return JSONBody.response(MemorySearchResponse(result, includeVectors: includeVectors))
    }

    func memoryRecord(_ context: some RequestContext) async throws(APIError) -> Response {
        let id = try WireFormat.hash(try parameter("id", context), field: "id")
        guard let record = try await calling({ () async throws(NodeError) in try await node.memoryRecord(id: id) })
        else { throw APIError(.notFound, "no memory record \(id.hex) on this node") }
        return JSONBody.response(MemoryRecordJSON(record))
    }

    func memoryProof(_ context: some RequestContext) async throws(APIError) -> Response {
        let id = try WireFormat.hash(try parameter("id", context), field: "id")
        guard let status = try await calling({ () async throws(NodeError) in try await node.memoryProof(id: id) })
        else { throw APIError(.notFound, "no memory proof for record \(id.hex)") }
        return JSONBody.response(MemoryProofStatusJSON(status))
    }

    // MARK: Helpers

    private func parameter(_ name: String, _ context: some RequestContext) throws(APIError) -> String {
        guard let value = context.parameters.get(name) else {
            throw APIError(.missingField, "path parameter '\(name)' is missing", field: name)
        }
        return value
    }

    /// Runs a node call, turning its `NodeError` into the matching ``APIError``.
    private func calling<T>(_ body: () async throws(NodeError) -> T) async throws(APIError) -> T {
        do {
            return try await body()
        } catch {
            throw APIError(error)
        }
    }
}

import HMNMesh
import HMNNode

/// The bodies of the write routes, from the collected bytes to what the handler hands the node,
/// with every check the server makes on the way.
///
/// The routes call these after collecting the body under ``NodeHTTPConfiguration/maxBodyBytes``; so
/// do the fuzz targets in `HMNFuzzTargets`, which is why they are public: what is fuzzed is the
/// server's own path, not a copy of it. Every refusal is an ``APIError`` naming the field.
public enum APIRequestBody {
    /// `POST /v1/transactions`: the bytes in `tx` (hex, non-empty), which the node then decodes as
    /// a canonical `SignedTransaction` and checks (size, encoding, signatures, ledger rules).
    public static func transaction(_ body: [UInt8]) throws(APIError) -> [UInt8] {
        let request = try JSONBody.decode(SubmitTransactionRequest.self, from: body)
        let bytes = try WireFormat.bytes(hex: request.tx, field: "tx")
        guard !bytes.isEmpty else { throw APIError(.invalidValue, "tx is empty", field: "tx") }
        return bytes
    }

    /// `POST /v1/evidence`: the evidence bytes from their hex.
    public static func evidence(_ body: [UInt8]) throws(APIError) -> [UInt8] {
        let request = try JSONBody.decode(SubmitEvidenceRequest.self, from: body)
        let bytes = try WireFormat.bytes(hex: request.evidence, field: "evidence")
        guard !bytes.isEmpty else { throw APIError(.invalidValue, "evidence is empty", field: "evidence") }
        return bytes
    }

    /// `POST /v1/transactions/batch`: 1…`maxItems` items, each the bytes in one hex string or the
    /// error that item gets. Only a body that is not such a list at all is refused as a whole.
    public static func transactionBatch(_ body: [UInt8], maxItems: Int) throws(APIError)
        -> [Result<[UInt8], APIError>]
    {
        let request = try JSONBody.decode(SubmitTransactionBatchRequest.self, from: body)
        guard !request.txs.isEmpty else { throw APIError(.invalidValue, "txs is empty", field: "txs") }
        guard request.txs.count <= maxItems else {
            throw APIError(
                .invalidValue, "txs has \(request.txs.count) items, at most \(maxItems) allowed", field: "txs")
        }
        return request.txs.enumerated().map { index, hex in
            Result { () throws(APIError) -> [UInt8] in
                let bytes = try WireFormat.bytes(hex: hex, field: "txs[\(index)]")
                guard !bytes.isEmpty else { throw APIError(.invalidValue, "txs[\(index)] is empty", field: "txs[\(index)]") }
                return bytes
            }
        }
    }

    /// `POST /v1/memory`: the domain record, its vector non-empty, finite and at most
    /// ``NodeHTTPConfiguration/maxVectorDimension`` long (the node then checks its store's dimension).
    public static func memoryRecord(_ body: [UInt8], configuration: NodeHTTPConfiguration) throws(APIError)
        -> MemoryRecord
    {
        try JSONBody.decode(MemoryRecordJSON.self, from: body)
            .record(maxDimension: configuration.maxVectorDimension)
    }

    /// `POST /v1/memory/search`: the domain query, `k` within ``NodeHTTPConfiguration/maxSearchK``,
    /// and whether the answer carries each hit's vector.
    public static func memorySearch(_ body: [UInt8], configuration: NodeHTTPConfiguration) throws(APIError)
        -> (query: MemorySearchQuery, includeVectors: Bool)
    {
        let request = try JSONBody.decode(MemorySearchRequest.self, from: body)
        let query = try request.query(
            maxDimension: configuration.maxVectorDimension, maxK: configuration.maxSearchK)
        return (query, request.includeVectors ?? false)
    }
}

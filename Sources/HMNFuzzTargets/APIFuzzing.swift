import Foundation
import HMNLedger
import HMNMesh
import HMNNode
import HMNNodeHTTP
import HMNPrimitives

/// The API's write routes from the body bytes on: the server's own conversion (``APIRequestBody``,
/// the functions the route handlers call after collecting the body) and then the first checks the
/// node makes on what the handler hands it.
///
/// Oracle, beyond "does not crash": every refusal is one of the client-error codes (a 4xx, never an
/// internal error), and whatever is accepted satisfies the limits the handlers promise — vectors
/// non-empty, finite and within the configured dimension, fixed-point values in [0, 1], `k` in range,
/// transactions that re-encode to exactly the bytes sent.
enum APIFuzzing {
    /// The server's defaults, as `hmn node` runs it.
    static let configuration = NodeHTTPConfiguration()
    /// The node's memory store: 4-dimensional vectors and the default payload limit.
    static let store = VectorStoreConfiguration(dimension: 4, chainID: FuzzCorpus.chainID)

    /// The codes a conversion may refuse a body with: all the client's fault.
    static let conversionCodes: Set<APIError.Code> = [
        .invalidJSON, .missingField, .wrongType, .invalidValue, .invalidVector,
    ]

    static func refused(_ error: APIError) -> Bool {
        precondition(conversionCodes.contains(error.code), "a request body was refused as \(error.code): \(error)")
        return false
    }

    /// `POST /v1/transactions`, then `FullNode.submitTransaction`'s size check and the mempool's
    /// decode and signature check.
    static func transaction(_ body: [UInt8]) -> Bool {
        // The server refuses a larger body before reading it.
        guard body.count <= configuration.maxBodyBytes else { return false }
        let bytes: [UInt8]
        do {
            bytes = try APIRequestBody.transaction(body)
        } catch {
            return refused(error)
        }
        precondition(!bytes.isEmpty, "an empty transaction passed the API")
        guard bytes.count <= NodeMessage.maxTransactionBytes else { return false }
        let transaction: SignedTransaction
        do {
            transaction = try SignedTransaction.decode(bytes, maxBytes: Int(LedgerParameters().maxTransactionBytes))
        } catch {
            return false
        }
        precondition(transaction.canonicalBytes == bytes, "the API path accepted a non-canonical transaction")
        do {
            try transaction.verifySignatures()
        } catch {
            return false
        }
        return true
    }

    /// `POST /v1/memory`, then the node's checks on the record (``MemoryMeshService/check``).
    static func memory(_ body: [UInt8]) -> Bool {
        guard body.count <= configuration.maxBodyBytes else { return false }
        let record: MemoryRecord
        do {
            record = try APIRequestBody.memoryRecord(body, configuration: configuration)
        } catch {
            return refused(error)
        }
        requireValidVector(record.vector)
        precondition(record.version >= 1, "version 0 passed the API")
        requireUnit(record.importance, "importance")
        requireUnit(record.replicaAgreement, "replicaAgreement")
        if let proof = record.proof { requireUnit(proof.rphv, "proof.rphv") }
        requireEchoes(record)
        do {
            try MemoryMeshService.check(
                record, dimension: store.dimension, maxPayloadBytes: store.maxPayloadBytes, chainID: store.chainID)
        } catch {
            precondition(
                error.code == .invalidVector || error.code == .badSignature, "the node refused a record as \(error)")
            return false
        }
        precondition(
            record.vector.count == store.dimension && record.vector.contains { $0 != 0 },
            "the node accepted a vector of the wrong shape")
        precondition(record.payload.count <= store.maxPayloadBytes, "the node accepted an oversize payload")
        return true
    }

    /// `POST /v1/memory/search` and its validation.
    static func search(_ body: [UInt8]) -> Bool {
        guard body.count <= configuration.maxBodyBytes else { return false }
        let query: MemorySearchQuery
        do {
            query = try APIRequestBody.memorySearch(body, configuration: configuration).query
        } catch {
            return refused(error)
        }
        requireValidVector(query.vector)
        precondition((1...configuration.maxSearchK).contains(query.k), "k = \(query.k) passed the API")
        if let minimum = query.minimumRPHV { requireUnit(minimum, "filter.minimumRPHV") }
        return true
    }

    static func requireValidVector(_ vector: [Float]) {
        precondition(
            !vector.isEmpty && vector.count <= configuration.maxVectorDimension && vector.allSatisfy(\.isFinite),
            "a vector of \(vector.count) components, not all finite, passed the API")
    }

    static func requireUnit(_ value: FixedPoint, _ field: String) {
        precondition(value >= .zero && value <= .one, "\(field) = \(value) passed the API")
    }

    /// The record as the API answers with it (`GET`, search hits) reads back as the same record, so
    /// a client that stores and resubmits what it got changes nothing.
    static func requireEchoes(_ record: MemoryRecord) {
        guard let json = try? JSONEncoder().encode(MemoryRecordJSON(record)) else {
            preconditionFailure("an accepted record does not encode as JSON")
        }
        let again = try? APIRequestBody.memoryRecord(Array(json), configuration: configuration)
        precondition(again == record, "an accepted record does not read back from its JSON form")
    }
}

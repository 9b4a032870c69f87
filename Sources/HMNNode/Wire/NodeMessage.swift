import HMNConsensus
import HMNMesh
import HMNPrimitives

/// Everything nodes say to each other over a ``MessageTransport``, with one canonical encoding:
/// a one-byte tag, then the case's canonical payload.
///
/// - `consensus`: the engine's proposals and votes, and its block sync
///   (`ConsensusMessage.blockRequest` / `.blockResponse`: a node that hears a later height asks
///   for each missing committed block with its certificate and commits it exactly as if it had
///   decided it);
/// - `transaction`: a signed transaction that passed `checkTransaction` on the sender (gossip);
/// - `transactions`: several of them in one message (a batch submission, a relay of one, the
///   mempool sent to a peer that connects): one frame, one decryption and one admission call on
///   the receiver instead of one per transaction;
/// - `memoryRecord`: a memory record pushed for replication (idempotent upsert on receipt);
/// - `memoryRequest` / `memoryResponse`: a search in another node's shards or a record by id, and
///   its answer (``MemoryRequest``, ``MemoryResponse``): how a node answers for shards it does not
///   host;
/// - `meshGossip`: the wire bytes of one memory-mesh gossip message (HMNMesh's `GossipMessage`:
///   push, IHAVE/IWANT, range reconciliation, ack), decoded and checked by the receiver's
///   ``MeshGossipReplicator``, which penalizes the sender for bytes that do not decode.
///
/// ``decode(_:maxBytes:)`` checks the size before reading anything and rejects unknown tags and
/// trailing bytes with a typed ``NodeMessageError``; a receiver drops and logs such input.
public enum NodeMessage: Hashable, Sendable, CanonicalCodable {
    case consensus(ConsensusMessage)
    /// Canonical bytes of a `SignedTransaction`.
    case transaction([UInt8])
    case memoryRecord(MemoryRecord)
    /// Wire bytes of a memory-mesh `GossipMessage`.
    case meshGossip([UInt8])
    /// Canonical bytes of several `SignedTransaction`s, in admission order (a sender's nonces ascend).
    case transactions([[UInt8]])
    case memoryRequest(MemoryRequest)
    case memoryResponse(MemoryResponse)

    /// Default upper bound on one message: a block plus framing.
    public static let defaultMaxBytes = 8 << 20
    /// Upper bound on a gossiped transaction's bytes, checked before allocation.
    public static let maxTransactionBytes = 1 << 20
    /// Upper bound on a gossip message's bytes (the gossip engine's own default limit).
    public static let maxMeshGossipBytes = 4 << 20
    /// Most transactions in one `transactions` message (checked before allocation).
    public static let maxTransactionsPerMessage = 1_024

    enum Tag: UInt8 {
        case consensus = 1, transaction = 2, memoryRecord = 3, meshGossip = 4, transactions = 5, memoryRequest = 6
        case memoryResponse = 7
    }

    /// A short name for logs and metrics.
    public var kind: String {
        switch self {
        case .consensus: "consensus"
        case .transaction: "transaction"
        case .memoryRecord: "memory-record"
        case .meshGossip: "mesh-gossip"
        case .transactions: "transactions"
        case .memoryRequest: "memory-request"
        case .memoryResponse: "memory-response"
        }
    }

    /// Decodes one message of at most `maxBytes`.
    public static func decode(_ bytes: [UInt8], maxBytes: Int = defaultMaxBytes) throws(NodeMessageError)
        -> NodeMessage
    {
        guard bytes.count <= maxBytes else {
            throw NodeMessageError(.oversize, "message of \(bytes.count) bytes exceeds \(maxBytes)")
        }
        guard !bytes.isEmpty else { throw NodeMessageError(.malformed, "empty message") }
        do {
            return try NodeMessage(canonicalBytes: bytes, maxLength: maxBytes)
        } catch {
            let code: NodeMessageError.Code = error.code == .unknownTag ? .unknownKind : .malformed
            throw NodeMessageError(code, "\(error)")
        }
    }

    public init(from decoder: inout CanonicalDecoder) throws(CodecError) {
        let start = decoder.offset
        let raw = try decoder.decode(UInt8.self)
        switch Tag(rawValue: raw) {
        case .consensus: self = .consensus(try decoder.decode())
        case .transaction: self = .transaction(try decoder.decodeBytes(maxLength: Self.maxTransactionBytes))
        case .memoryRecord: self = .memoryRecord(try decoder.decode())
        case .meshGossip: self = .meshGossip(try decoder.decodeBytes(maxLength: Self.maxMeshGossipBytes))
        case .transactions:
            let countOffset = decoder.offset
            let count = try decoder.decode(UInt32.self)
            guard count >= 1, count <= Self.maxTransactionsPerMessage else {
                throw CodecError(
                    .invalidValue, offset: countOffset,
                    "\(count) transactions in one message; 1…\(Self.maxTransactionsPerMessage) allowed")
            }
            var list: [[UInt8]] = []
            list.reserveCapacity(Int(count))
            for _ in 0..<count { list.append(try decoder.decodeBytes(maxLength: Self.maxTransactionBytes)) }
            self = .transactions(list)
        case .memoryRequest: self = .memoryRequest(try decoder.decode())
        case .memoryResponse: self = .memoryResponse(try decoder.decode())
        case nil: throw CodecError(.unknownTag, offset: start, "unknown node message tag \(raw)")
        }
    }

    public func encode(to encoder: inout CanonicalEncoder) {
        switch self {
        case .consensus(let message):
            encoder.encode(Tag.consensus.rawValue)
            encoder.encode(message)
        case .transaction(let bytes):
            encoder.encode(Tag.transaction.rawValue)
            encoder.encodeBytes(bytes)
        case .memoryRecord(let record):
            encoder.encode(Tag.memoryRecord.rawValue)
            encoder.encode(record)
        case .meshGossip(let bytes):
            encoder.encode(Tag.meshGossip.rawValue)
            encoder.encodeBytes(bytes)
        case .transactions(let list):
            encoder.encode(Tag.transactions.rawValue)
            encoder.encode(UInt32(list.count))
            for bytes in list { encoder.encodeBytes(bytes) }
        case .memoryRequest(let request):
            encoder.encode(Tag.memoryRequest.rawValue)
            encoder.encode(request)
        case .memoryResponse(let response):
            encoder.encode(Tag.memoryResponse.rawValue)
            encoder.encode(response)
        }
    }
}

/// Why received bytes are not a ``NodeMessage``. The receiver drops the message and logs this.
public struct NodeMessageError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Code: String, Hashable, Sendable {
        /// Larger than the limit (checked before decoding).
        case oversize
        /// An unknown tag: another protocol version or garbage.
        case unknownKind
        /// Truncated, trailing bytes, or a field out of range.
        case malformed
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "NodeMessageError.\(code.rawValue): \(message)" }
}

import HMNLedger
import HMNPrimitives

/// `POST /v1/transactions` body: the hex of a canonical `SignedTransaction`'s bytes.
///
/// The signed bytes travel as they are, never rebuilt from JSON fields, so what the server checks
/// is exactly what the client signed.
public struct SubmitTransactionRequest: Codable, Hashable, Sendable {
    public var tx: String

    public init(tx: String) { self.tx = tx }

    public init(_ transaction: SignedTransaction) { self.tx = Hex.encode(transaction.canonicalBytes) }
}

/// `POST /v1/transactions` answer: 202 with the id of the transaction now in the mempool, or,
/// when the request asked to wait (`?waitMilliseconds=N`) and a block committed the transaction
/// within that time, 200 with the committed record as well.
public struct SubmitTransactionResponse: Codable, Hashable, Sendable {
    public var id: String
    /// `"pending"`: accepted into the mempool, not yet committed; `"committed"`: see ``record``.
    public var status: String
    /// The committed transaction (as `GET /v1/transactions/{id}` answers it), when `status` is
    /// `"committed"`.
    public var record: TransactionRecordJSON?

    public init(id: String, status: String = "pending", record: TransactionRecordJSON? = nil) {
        self.id = id
        self.status = status
        self.record = record
    }
}

/// A signed transaction decoded for people, with its canonical bytes for programs.
public struct TransactionJSON: Codable, Hashable, Sendable {
    /// Transaction id (BLAKE2b-256 of the unsigned canonical bytes).
    public var id: String
    public var chainId: String
    /// `transfer`, `mint-t0`, `mint-t1`, `memory-proof`, `bond`, `unbond` or `shard-map-proposal`.
    public var type: String
    /// Sender (and signer) public key.
    public var from: String
    public var nonce: UInt64
    /// Recipient of a transfer.
    public var to: String?
    /// Amount in base units (transfer, mint, bond, unbond).
    public var amount: UInt64?
    /// Mining epoch of a T0 mint.
    public var epoch: UInt64?
    /// Memory proof id a T1 mint claims.
    public var proofId: String?
    /// The memory proof a `memory-proof` transaction commits.
    public var memoryProof: MemoryProofJSON?
    /// Hex of a `shard-map-proposal`'s payload (the mesh's `ShardMapProposal` bytes).
    public var payload: String?
    public var signature: String
    /// Hex of the canonical signed bytes (what `POST /v1/transactions` takes).
    public var tx: String

    public init(_ transaction: SignedTransaction) {
        id = transaction.id.hex
        chainId = transaction.transaction.chainID
        from = transaction.sender.hex
        nonce = transaction.nonce
        signature = transaction.signature.hex
        tx = Hex.encode(transaction.canonicalBytes)
        switch transaction.body {
        case .transfer(let recipient, let amount):
            type = "transfer"
            to = recipient.hex
            self.amount = amount
        case .mint(.t0(let epoch, let amount)):
            type = "mint-t0"
            self.epoch = epoch
            self.amount = amount
        case .mint(.t1(let proofID, let amount)):
            type = "mint-t1"
            proofId = proofID.hex
            self.amount = amount
        case .memoryProof(let proof):
            type = "memory-proof"
            memoryProof = MemoryProofJSON(proof)
        case .bond(let amount):
            type = "bond"
            self.amount = amount
        case .unbond(let amount):
            type = "unbond"
            self.amount = amount
        case .shardMapProposal(let bytes):
            type = "shard-map-proposal"
            payload = Hex.encode(bytes)
        }
    }
}

/// An RFC 6962 inclusion proof: the transaction's canonical bytes are leaf `leafIndex` of the block's
/// transaction tree, and hashing up the `siblings` gives `root`.
public struct InclusionProofJSON: Codable, Hashable, Sendable {
    public var leafIndex: UInt64
    public var leafCount: UInt64
    /// Sibling hashes from the leaf up to the root.
    public var siblings: [String]
    /// The block header's transactions root.
    public var root: String

    public init(_ proof: MerkleProof, root: Hash256) {
        leafIndex = proof.index
        leafCount = proof.leafCount
        siblings = proof.path.map(\.hex)
        self.root = root.hex
    }
}

/// `GET /v1/transactions/{id}`: a committed transaction with its result and inclusion proof.
public struct TransactionRecordJSON: Codable, Hashable, Sendable {
    public var transaction: TransactionJSON
    public var height: UInt64
    public var blockId: String
    public var result: TransactionResultJSON
    public var proof: InclusionProofJSON
    /// Whether the server checked the proof against the root (clients should check it themselves).
    public var proofValid: Bool

    public init(_ record: TransactionRecord) {
        transaction = TransactionJSON(record.transaction)
        height = record.height
        blockId = record.blockID.hex
        result = TransactionResultJSON(record.result)
        proof = InclusionProofJSON(record.proof, root: record.transactionsRoot)
        proofValid = record.isProofValid
    }
}

/// The execution result of a committed transaction.
public struct TransactionResultJSON: Codable, Hashable, Sendable {
    /// 0 for success.
    public var code: UInt32
    public var log: String

    public init(_ result: TransactionResult) {
        code = result.code
        log = result.log
    }
}

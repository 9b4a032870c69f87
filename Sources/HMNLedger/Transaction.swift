import HMNPrimitives

/// A transaction before signing: everything the signature covers.
///
/// The chain id, sender and nonce are part of the body, so the id (the hash of these bytes) is
/// unique per sender and nonce and a signature cannot be replayed on another chain or nonce.
public struct UnsignedTransaction: Hashable, Sendable, CanonicalCodable {
    /// Longest chain id accepted anywhere.
    public static let maxChainIDBytes = 64

    /// The chain the transaction is for.
    public var chainID: String
    /// The account that pays and signs.
    public var sender: PublicKey
    /// The sender's next nonce.
    public var nonce: UInt64
    /// What the transaction does.
    public var body: TransactionBody

    /// Creates an unsigned transaction.
    public init(chainID: String, sender: PublicKey, nonce: UInt64, body: TransactionBody) {
        self.chainID = chainID
        self.sender = sender
        self.nonce = nonce
        self.body = body
    }

    /// The transaction id: BLAKE2b-256 of the canonical unsigned bytes.
    public var id: Hash256 { canonicalHash }

    /// The bytes the sender signs: a domain tag, then the canonical unsigned transaction.
    public var signBytes: [UInt8] {
        var encoder = CanonicalEncoder(capacity: 160)
        encoder.encode("hmn/tx/v1")
        encode(to: &encoder)
        return encoder.bytes
    }

    /// Signs with `key`, which must be the sender's.
    public func signed(with key: SigningKey) -> SignedTransaction {
        precondition(key.publicKey == sender, "signing key does not match the transaction sender")
        return SignedTransaction(transaction: self, signature: key.sign(signBytes))
    }

    public init(from decoder: inout CanonicalDecoder) throws(CodecError) {
        chainID = try decoder.decode(String.self, maxLength: Self.maxChainIDBytes)
        sender = try decoder.decodeAccountKey()
        nonce = try decoder.decode()
        body = try decoder.decode()
    }

    public func encode(to encoder: inout CanonicalEncoder) {
        encoder.encode(chainID)
        encoder.encode(sender)
        encoder.encode(nonce)
        encoder.encode(body)
    }
}

/// A signed transaction, as carried in blocks and the mempool.
public struct SignedTransaction: Hashable, Sendable, CanonicalCodable {
    /// The signed content.
    public var transaction: UnsignedTransaction {
        didSet { id = transaction.id }
    }
    /// The sender's Ed25519 signature over ``UnsignedTransaction/signBytes``.
    public var signature: Signature
    /// The transaction id (hash of the unsigned bytes), computed once when the transaction is made
    /// or decoded. It keys the mempool, the verify-once memo, the journal and the block's Merkle
    /// tree, so a node asks for it a dozen times per transaction; computed on each access it cost
    /// an encoding and a BLAKE2b hash every time.
    public private(set) var id: Hash256

    /// Pairs a transaction with its signature.
    public init(transaction: UnsignedTransaction, signature: Signature) {
        self.transaction = transaction
        self.signature = signature
        self.id = transaction.id
    }

    /// Creates and signs a transaction.
    public static func make(chainID: String, key: SigningKey, nonce: UInt64, body: TransactionBody) -> SignedTransaction
    {
        UnsignedTransaction(chainID: chainID, sender: key.publicKey, nonce: nonce, body: body).signed(with: key)
    }

    /// The signed content and signature; ``id`` is derived from the content, so it is not compared.
    public static func == (lhs: SignedTransaction, rhs: SignedTransaction) -> Bool {
        lhs.signature == rhs.signature && lhs.transaction == rhs.transaction
    }

    /// Hashes the id (a digest of the content, equal for equal content) instead of the content.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(id)
        hasher.combine(signature)
    }

    /// The sender.
    public var sender: PublicKey { transaction.sender }
    /// The sender nonce.
    public var nonce: UInt64 { transaction.nonce }
    /// What it does.
    public var body: TransactionBody { transaction.body }

    /// Decodes one transaction, mapping codec failures to ``LedgerError/Code/malformed``.
    public static func decode(_ bytes: [UInt8], maxBytes: Int) throws(LedgerError) -> SignedTransaction {
        guard bytes.count <= maxBytes else {
            throw LedgerError(.oversize, "transaction of \(bytes.count) bytes exceeds the limit of \(maxBytes)")
        }
        do {
            return try SignedTransaction(canonicalBytes: bytes)
        } catch {
            throw LedgerError.from(error, "transaction")
        }
    }

    /// Checks the sender's signature (and, for memory proofs, the author's).
    public func verifySignatures() throws(LedgerError) {
        guard transaction.sender.isValidSignature(signature, for: transaction.signBytes) else {
            throw LedgerError(.badSignature, "signature of transaction \(id.short) does not verify for \(sender.short)")
        }
        if case .memoryProof(let proof) = body,
            !proof.author.isValidSignature(proof.authorSignature, for: proof.signBytes(chainID: transaction.chainID))
        {
            throw LedgerError(.badSignature, "author signature of memory proof \(proof.proofID.short) does not verify")
        }
    }

    public init(from decoder: inout CanonicalDecoder) throws(CodecError) {
        let transaction: UnsignedTransaction = try decoder.decode()
        self.transaction = transaction
        signature = try decoder.decode()
        id = transaction.id
    }

    public func encode(to encoder: inout CanonicalEncoder) {
        encoder.encode(transaction)
        encoder.encode(signature)
    }
}

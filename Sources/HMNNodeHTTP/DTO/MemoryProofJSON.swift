import HMNNode
import HMNPrimitives

/// A signed memory proof (SPEC §8): record id, content hash, author, time, RΦV and the author's
/// signature over the chain-bound sign bytes.
public struct MemoryProofJSON: Codable, Hashable, Sendable {
    public var recordId: String
    public var contentHash: String
    public var author: String
    public var timestampMilliseconds: UInt64
    public var rphv: FixedPointJSON
    public var signature: String
    /// The key a proof is deduplicated by on Layer 1 (output only).
    public var proofId: String?

    public init(
        recordId: String, contentHash: String, author: String, timestampMilliseconds: UInt64,
        rphv: FixedPointJSON, signature: String, proofId: String? = nil
    ) {
        self.recordId = recordId
        self.contentHash = contentHash
        self.author = author
        self.timestampMilliseconds = timestampMilliseconds
        self.rphv = rphv
        self.signature = signature
        self.proofId = proofId
    }

    public init(_ proof: MemoryProof) {
        recordId = proof.recordID.hex
        contentHash = proof.contentHash.hex
        author = proof.author.hex
        timestampMilliseconds = proof.timestampMilliseconds
        rphv = FixedPointJSON(proof.rphv)
        signature = proof.authorSignature.hex
        proofId = proof.proofID.hex
    }

    /// The domain proof; the signature is checked by the node, not here.
    public func proof(field: String) throws(APIError) -> MemoryProof {
        MemoryProof(
            recordID: try WireFormat.hash(recordId, field: "\(field).recordId"),
            contentHash: try WireFormat.hash(contentHash, field: "\(field).contentHash"),
            author: try WireFormat.publicKey(author, field: "\(field).author"),
            timestampMilliseconds: timestampMilliseconds,
            rphv: try rphv.unitInterval(field: "\(field).rphv"),
            authorSignature: try WireFormat.signature(signature, field: "\(field).signature"))
    }
}

/// `GET /v1/memory/{id}/proof`: a record's proof and where Layer 1 committed it.
public struct MemoryProofStatusJSON: Codable, Hashable, Sendable {
    public var proof: MemoryProofJSON
    /// `committed` once a block holds the proof, else `pending`.
    public var status: String
    public var committedHeight: UInt64?
    public var transactionId: String?

    public init(_ status: MemoryProofStatus) {
        proof = MemoryProofJSON(status.proof)
        self.status = status.committedHeight == nil ? "pending" : "committed"
        committedHeight = status.committedHeight
        transactionId = status.transactionID?.hex
    }
}

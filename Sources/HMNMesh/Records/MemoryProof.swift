import HMNPrimitives

/// The mesh side of ``MemoryProof`` (defined in HMNPrimitives, shared with the ledger that commits it).
///
/// Critical records (RΦV ≥ 0.8) must carry one. The signature covers the chain id and every other
/// field under a domain tag, so it can be replayed neither on another chain nor as another kind of signature.
extension MemoryProof {
    /// Signs a proof for `record` with the author's key.
    public init(
        record: MemoryRecord, rphv: FixedPoint, timestampMilliseconds: UInt64, chainID: String, key: SigningKey
    ) {
        self = MemoryProof.signed(
            chainID: chainID, recordID: record.id, contentHash: record.contentHash,
            timestampMilliseconds: timestampMilliseconds, rphv: rphv, key: key)
    }

    /// Checks that the proof names `record` (id, content hash, author) and that the signature verifies.
    public func verify(for record: MemoryRecord, chainID: String) throws(MemoryStoreError) {
        guard recordID == record.id else {
            throw MemoryStoreError(.invalidProof, "proof names record \(recordID.short), not \(record.id.short)")
        }
        guard contentHash == record.contentHash else {
            throw MemoryStoreError(.invalidProof, "proof content hash does not match record \(record.id.short)")
        }
        guard author == record.author else {
            throw MemoryStoreError(
                .invalidProof, "proof signed by \(author.short), record authored by \(record.author.short)")
        }
        guard author.isValidSignature(authorSignature, for: signBytes(chainID: chainID)) else {
            throw MemoryStoreError(.invalidProof, "proof signature does not verify for record \(record.id.short)")
        }
    }
}

import HMNPrimitives

/// The author's signature on a memory record.
///
/// Why: records travel between replicas, and a version number alone lets any replica overwrite a
/// record with a "newer" one. With every record signed by its author, a replica can forward and
/// store records but not forge one, nor a later version of someone else's: a forged overwrite is
/// refused and costs the sender score (see `GossipEngine`).
extension MemoryRecord {
    /// The domain tag of a record signature.
    public static let signatureTag = "hmn/memory-record/v1"

    /// `string("hmn/memory-record/v1") ‖ string(chainID) ‖ contentHash ‖ importance ‖ updatedAt`:
    /// the asserted content (through its hash) plus the two fields the author sets that the content
    /// hash leaves out (importance decides whether a record is critical or compressed). Bookkeeping
    /// that each replica keeps for itself (Φ, access count, last access) is not signed.
    public func signBytes(chainID: String) -> [UInt8] {
        var encoder = CanonicalEncoder(capacity: 96 + chainID.utf8.count)
        encoder.encode(Self.signatureTag)
        encoder.encode(chainID)
        encoder.encode(contentHash)
        encoder.encode(importance)
        encoder.encode(updatedAtMilliseconds)
        return encoder.bytes
    }

    /// This record signed by `key`, which must be the author's.
    public func signed(chainID: String, key: SigningKey) -> MemoryRecord {
        precondition(key.publicKey == author, "a memory record is signed by its author")
        var copy = self
        copy.signature = key.sign(signBytes(chainID: chainID))
        return copy
    }

    /// Throws unless the record carries its author's valid signature for `chainID`.
    public func verifySignature(chainID: String) throws(MemoryStoreError) {
        guard let signature else {
            throw MemoryStoreError(.invalidSignature, "record \(id.short) carries no author signature")
        }
        guard author.isValidSignature(signature, for: signBytes(chainID: chainID)) else {
            throw MemoryStoreError(
                .invalidSignature, "record \(id.short)'s signature does not verify for author \(author.short)")
        }
    }
}

import HMNPrimitives

extension MemoryRecord {
    /// Checks this record against its Layer-1 commitment: the committed proof must name this id and
    /// this content hash, and its author's signature must verify for the chain. A record whose content
    /// changed after commitment (or a forged copy) fails with `wrongContentHash`.
    public func verify(againstCommitted proof: MemoryProof, chainID: String) throws(MeshError) {
        guard proof.recordID == id else {
            throw MeshError(.invalidProof, "committed proof names \(proof.recordID.short), not \(id.short)")
        }
        guard proof.contentHash == contentHash else {
            throw MeshError(.wrongContentHash, "record \(id.short) differs from its Layer-1 commitment")
        }
        do {
            try proof.verifySignature(chainID: chainID)
        } catch {
            throw MeshError(.invalidProof, "committed proof signature: \(error.message)")
        }
    }

    /// Looks up the commitment in `sink` and checks this record against it; nil when none was committed.
    public func verifyCommitment(in sink: some MemoryProofSink, chainID: String) async throws -> Bool? {
        guard let proof = try await sink.committedProof(for: id) else { return nil }
        try verify(againstCommitted: proof, chainID: chainID)
        return true
    }
}

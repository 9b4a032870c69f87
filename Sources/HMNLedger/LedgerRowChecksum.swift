import HMNPrimitives

/// BLAKE2b-256 checksums of the ledger rows that no block hash covers.
///
/// Why: a block row is checked against its own id and body roots, an account row against the
/// state root, but a transaction's stored result and a validator-set row are committed to by no
/// header, so a flipped byte that still decodes would be served as if it were true. Each such row
/// stores a checksum over its key and its value (schema version 2), checked on every read and by
/// ``Ledger/checkStorage(verifyingSignatures:integrityCheck:)``. This detects damage, not an
/// attacker who can rewrite the file (they can recompute the checksum; see THREAT_MODEL.md).
enum LedgerRowChecksum {
    /// Domain tags, so a checksum of one kind of row never matches another kind.
    static let transactionTag = Array("hmn/ledger-row/transaction/v1".utf8)
    static let validatorSetTag = Array("hmn/ledger-row/validator-set/v1".utf8)
    static let shardMapProposalTag = Array("hmn/ledger-row/shard-map-proposal/v1".utf8)

    /// Over the index row's id, height, position and result bytes.
    static func transaction(id: Hash256, height: UInt64, position: Int, result: [UInt8]) -> [UInt8] {
        var key = CanonicalEncoder()
        key.encode(height)
        key.encode(UInt64(position))
        return Hash256.of(parts: [transactionTag, id.bytes, key.bytes, result]).bytes
    }

    /// Over the set's height and its canonical bytes.
    static func validatorSet(height: UInt64, bytes: [UInt8]) -> [UInt8] {
        var key = CanonicalEncoder()
        key.encode(height)
        return Hash256.of(parts: [validatorSetTag, key.bytes, bytes]).bytes
    }

    /// Over the proposal's height, position in its block and payload.
    static func shardMapProposal(height: UInt64, position: Int, payload: [UInt8]) -> [UInt8] {
        var key = CanonicalEncoder()
        key.encode(height)
        key.encode(UInt64(position))
        return Hash256.of(parts: [shardMapProposalTag, key.bytes, payload]).bytes
    }
}

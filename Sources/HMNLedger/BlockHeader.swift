import HMNPrimitives

/// A block header. The block id is the hash of its canonical bytes, and every part of the body
/// is bound to it by a root, so a block id fixes the whole block.
///
/// Roots describe the state *after* the block: `stateRoot` over all accounts and memory proofs,
/// `layer2Root` over the Layer-2 engine state; `lambda` and `coherence` are Layer 2's λ and Ĉ
/// after the block.
public struct BlockHeader: Hashable, Sendable, CanonicalCodable {
    /// Header format version; others do not decode.
    public static let version: UInt16 = 1

    /// Block height, from 1.
    public var height: UInt64
    /// Id of block `height − 1`; the genesis hash at height 1.
    public var previousHash: Hash256
    /// Proposer time in milliseconds since the Unix epoch; strictly increasing.
    public var timeMilliseconds: UInt64
    /// RFC 6962 Merkle root over the signed transactions' canonical bytes.
    public var transactionsRoot: Hash256
    /// ``LedgerState/stateRoot`` after the block (the app hash).
    public var stateRoot: Hash256
    /// BLAKE2b-256 of the Layer-2 engine's canonical state after the block.
    public var layer2Root: Hash256
    /// The validator that proposed the block.
    public var proposer: PublicKey
    /// λ after the block (SPEC §5).
    public var lambda: FixedPoint
    /// Ĉ after the block (SPEC §3).
    public var coherence: FixedPoint
    /// Hash of the carried last-commit certificate (`Hash256.zero` at height 1).
    public var lastCommitHash: Hash256
    /// Hash of the evidence list.
    public var evidenceHash: Hash256
    /// Hash of the Layer-2 action list.
    public var actionsHash: Hash256

    /// Creates a header from all of its fields.
    public init(
        height: UInt64, previousHash: Hash256, timeMilliseconds: UInt64, transactionsRoot: Hash256,
        stateRoot: Hash256, layer2Root: Hash256, proposer: PublicKey, lambda: FixedPoint,
        coherence: FixedPoint, lastCommitHash: Hash256, evidenceHash: Hash256, actionsHash: Hash256
    ) {
        self.height = height
        self.previousHash = previousHash
        self.timeMilliseconds = timeMilliseconds
        self.transactionsRoot = transactionsRoot
        self.stateRoot = stateRoot
        self.layer2Root = layer2Root
        self.proposer = proposer
        self.lambda = lambda
        self.coherence = coherence
        self.lastCommitHash = lastCommitHash
        self.evidenceHash = evidenceHash
        self.actionsHash = actionsHash
    }

    /// The block id.
    public var id: Hash256 { canonicalHash }

    public init(from decoder: inout CanonicalDecoder) throws(CodecError) {
        let start = decoder.offset
        let version = try decoder.decode(UInt16.self)
        guard version == Self.version else {
            throw CodecError(.unknownTag, offset: start, "unknown block header version \(version)")
        }
        height = try decoder.decode()
        previousHash = try decoder.decode()
        timeMilliseconds = try decoder.decode()
        transactionsRoot = try decoder.decode()
        stateRoot = try decoder.decode()
        layer2Root = try decoder.decode()
        proposer = try decoder.decode()
        lambda = try decoder.decode()
        coherence = try decoder.decode()
        lastCommitHash = try decoder.decode()
        evidenceHash = try decoder.decode()
        actionsHash = try decoder.decode()
    }

    public func encode(to encoder: inout CanonicalEncoder) {
        encoder.encode(Self.version)
        encoder.encode(height)
        encoder.encode(previousHash)
        encoder.encode(timeMilliseconds)
        encoder.encode(transactionsRoot)
        encoder.encode(stateRoot)
        encoder.encode(layer2Root)
        encoder.encode(proposer)
        encoder.encode(lambda)
        encoder.encode(coherence)
        encoder.encode(lastCommitHash)
        encoder.encode(evidenceHash)
        encoder.encode(actionsHash)
    }
}

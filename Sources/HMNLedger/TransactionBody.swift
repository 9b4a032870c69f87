import HMNPrimitives

/// The ledger mints in the shared tiers of HMNPrimitives.
public typealias MintTier = RewardTier

/// What a transaction does. Slashes are not here on purpose: they come only from committed
/// equivocation evidence and the Layer-2 action list of a block, never from a user.
public enum TransactionBody: Hashable, Sendable, CanonicalCodable {
    /// Moves `amount` from the sender's balance to `recipient` (created if new).
    case transfer(recipient: PublicKey, amount: UInt64)
    /// Mints a T0 or T1 reward (see ``mintT0(epoch:amount:)`` and ``mintT1(proofID:amount:)``).
    case mint(Mint)
    /// Commits a memory proof of a critical record (the mesh submits these).
    case memoryProof(MemoryProof)
    /// Moves `amount` from balance to stake.
    case bond(amount: UInt64)
    /// Moves `amount` from stake back to balance.
    case unbond(amount: UInt64)
    /// A validator's proposal to change the memory mesh's shard map (SPEC §9: the map changes only
    /// through consensus), e.g. a split of a hot shard. The ledger checks who sent it and how large
    /// it is, and records it (``Ledger/shardMapProposals(heights:)``); the bytes are the mesh's
    /// (HMNMesh `ShardMapProposal.transactionPayload`), which the ledger does not import: every node
    /// applies them to its map in chain order, and one that does not apply is skipped by all alike.
    case shardMapProposal(payload: [UInt8])

    /// Largest ``shardMapProposal(payload:)`` payload: a split of a 16,384-dimension shard fits.
    public static let maxShardMapProposalBytes = 1 << 17

    /// A T0 mining mint for `epoch` (SPEC §7).
    public static func mintT0(epoch: UInt64, amount: UInt64) -> TransactionBody {
        .mint(.t0(epoch: epoch, amount: amount))
    }

    /// A T1 reward claim for the committed critical memory proof `proofID`.
    public static func mintT1(proofID: Hash256, amount: UInt64) -> TransactionBody {
        .mint(.t1(proofID: proofID, amount: amount))
    }

    /// A mint request; the tier decides what it refers to.
    public enum Mint: Hashable, Sendable {
        case t0(epoch: UInt64, amount: UInt64)
        case t1(proofID: Hash256, amount: UInt64)

        /// The reward tier.
        public var tier: MintTier {
            switch self {
            case .t0: .t0
            case .t1: .t1
            }
        }

        /// The amount to mint.
        public var amount: UInt64 {
            switch self {
            case .t0(_, let amount), .t1(_, let amount): amount
            }
        }
    }

    enum Tag: UInt8 {
        case transfer = 1, mint = 2, memoryProof = 3, bond = 4, unbond = 5, shardMapProposal = 6
    }

    public init(from decoder: inout CanonicalDecoder) throws(CodecError) {
        let start = decoder.offset
        let raw = try decoder.decode(UInt8.self)
        guard let tag = Tag(rawValue: raw) else {
            throw CodecError(.unknownTag, offset: start, "unknown transaction kind \(raw)")
        }
        switch tag {
        case .transfer: self = .transfer(recipient: try decoder.decodeAccountKey(), amount: try decoder.decode())
        case .mint:
            let tierStart = decoder.offset
            switch try decoder.decode(MintTier.self) {
            case .t0: self = .mint(.t0(epoch: try decoder.decode(), amount: try decoder.decode()))
            case .t1: self = .mint(.t1(proofID: try decoder.decode(), amount: try decoder.decode()))
            case .t4:
                throw CodecError(.invalidValue, offset: tierStart, "T4 boosts are minted only by Layer-2 actions")
            }
        case .memoryProof: self = .memoryProof(try decoder.decode())
        case .bond: self = .bond(amount: try decoder.decode())
        case .unbond: self = .unbond(amount: try decoder.decode())
        case .shardMapProposal:
            self = .shardMapProposal(payload: try decoder.decodeBytes(maxLength: Self.maxShardMapProposalBytes))
        }
    }

    public func encode(to encoder: inout CanonicalEncoder) {
        switch self {
        case .transfer(let recipient, let amount):
            encoder.encode(Tag.transfer.rawValue)
            encoder.encode(recipient)
            encoder.encode(amount)
        case .mint(let mint):
            encoder.encode(Tag.mint.rawValue)
            encoder.encode(mint.tier)
            switch mint {
            case .t0(let epoch, let amount):
                encoder.encode(epoch)
                encoder.encode(amount)
            case .t1(let proofID, let amount):
                encoder.encode(proofID)
                encoder.encode(amount)
            }
        case .memoryProof(let proof):
            encoder.encode(Tag.memoryProof.rawValue)
            encoder.encode(proof)
        case .bond(let amount):
            encoder.encode(Tag.bond.rawValue)
            encoder.encode(amount)
        case .unbond(let amount):
            encoder.encode(Tag.unbond.rawValue)
            encoder.encode(amount)
        case .shardMapProposal(let payload):
            encoder.encode(Tag.shardMapProposal.rawValue)
            encoder.encodeBytes(payload)
        }
    }

    /// A short name for logs and results.
    public var kind: String {
        switch self {
        case .transfer: "transfer"
        case .mint(let mint): "mint-\(mint.tier)"
        case .memoryProof: "memory-proof"
        case .bond: "bond"
        case .unbond: "unbond"
        case .shardMapProposal: "shard-map-proposal"
        }
    }
}

import HMNPrimitives

/// An emergency action of the test application (SPEC §6): slash or boost one validator's stake.
public struct EmergencyAction: Hashable, Sendable, CanonicalCodable {
    public enum Kind: UInt8, Hashable, Sendable {
        case slash = 1
        case boost = 2
    }

    public var kind: Kind
    public var validator: PublicKey
    public var amount: UInt64

    public init(kind: Kind, validator: PublicKey, amount: UInt64) {
        self.kind = kind
        self.validator = validator
        self.amount = amount
    }

    public init(from decoder: inout CanonicalDecoder) throws(CodecError) {
        let start = decoder.offset
        guard let kind = Kind(rawValue: try decoder.decode(UInt8.self)) else {
            throw CodecError(.unknownTag, offset: start, "unknown emergency action kind")
        }
        self.kind = kind
        validator = try decoder.decode()
        amount = try decoder.decode()
    }

    public func encode(to encoder: inout CanonicalEncoder) {
        encoder.encode(kind.rawValue)
        encoder.encode(validator)
        encoder.encode(amount)
    }
}

/// The block format of ``KVApplication``: the decided transactions plus everything Layer 2 needs
/// (the last commit, evidence and the emergency actions). The block id is BLAKE2b-256 of the bytes.
public struct KVBlock: Hashable, Sendable, CanonicalCodable {
    public static let maxTransactions = 64
    public static let maxEvidence = 16
    public static let maxActions = 1_000
    public static let maxTransactionBytes = 128

    public var height: UInt64
    public var proposer: PublicKey
    public var timeMilliseconds: UInt64
    public var lastCommit: CommitCertificate?
    public var evidence: [DuplicateVoteEvidence]
    public var actions: [EmergencyAction]
    public var transactions: [String]

    public init(
        height: UInt64, proposer: PublicKey, timeMilliseconds: UInt64, lastCommit: CommitCertificate?,
        evidence: [DuplicateVoteEvidence], actions: [EmergencyAction], transactions: [String]
    ) {
        self.height = height
        self.proposer = proposer
        self.timeMilliseconds = timeMilliseconds
        self.lastCommit = lastCommit
        self.evidence = evidence
        self.actions = actions
        self.transactions = transactions
    }

    public var proposedBlock: ProposedBlock {
        let bytes = canonicalBytes
        return ProposedBlock(id: Hash256.of(bytes), bytes: bytes)
    }

    public init(from decoder: inout CanonicalDecoder) throws(CodecError) {
        height = try decoder.decode()
        proposer = try decoder.decode()
        timeMilliseconds = try decoder.decode()
        lastCommit = try decoder.decodeOptional()
        evidence = try decoder.decodeArray(maxCount: Self.maxEvidence)
        actions = try decoder.decodeArray(maxCount: Self.maxActions)
        let count = try decoder.decodeLength(limit: Self.maxTransactions, what: "transactions")
        var transactions: [String] = []
        for _ in 0..<count { transactions.append(try decoder.decode(String.self, maxLength: Self.maxTransactionBytes)) }
        self.transactions = transactions
    }

    public func encode(to encoder: inout CanonicalEncoder) {
        encoder.encode(height)
        encoder.encode(proposer)
        encoder.encode(timeMilliseconds)
        encoder.encode(lastCommit)
        encoder.encode(evidence)
        encoder.encode(actions)
        encoder.encode(UInt32(transactions.count))
        for transaction in transactions { encoder.encode(transaction) }
    }

    /// `key=value` with a key of 1–16 lowercase letters or digits and a printable ASCII value of at
    /// most 64 bytes.
    public static func parse(_ transaction: String) -> (key: String, value: String)? {
        let parts = transaction.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2 else { return nil }
        let key = parts[0]
        let value = parts[1]
        guard (1...16).contains(key.utf8.count),
            key.utf8.allSatisfy({ (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) }),
            value.utf8.count <= 64, value.utf8.allSatisfy({ (0x20...0x7E).contains($0) })
        else { return nil }
        return (String(key), String(value))
    }
}

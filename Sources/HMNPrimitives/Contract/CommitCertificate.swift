/// One validator's precommit inside a ``CommitCertificate``.
public struct CommitSignature: Hashable, Sendable, CanonicalCodable {
    public var validator: PublicKey
    public var voteExtension: VoteExtension
    public var signature: Signature

    public init(validator: PublicKey, voteExtension: VoteExtension, signature: Signature) {
        self.validator = validator
        self.voteExtension = voteExtension
        self.signature = signature
    }

    public init(from decoder: inout CanonicalDecoder) throws(CodecError) {
        validator = try decoder.decode()
        voteExtension = try decoder.decode()
        signature = try decoder.decode()
    }

    public func encode(to encoder: inout CanonicalEncoder) {
        encoder.encode(validator)
        encoder.encode(voteExtension)
        encoder.encode(signature)
    }
}

/// Proof that a block was finalized: precommits for it from more than 2/3 of the voting power.
///
/// Block `h + 1` carries the certificate for block `h` (its "last commit"); Layer 2 reads
/// participation, λ proposals and shard digests from it. Signatures are sorted by validator key,
/// so one set of precommits has one encoding.
public struct CommitCertificate: Hashable, Sendable, CanonicalCodable {
    /// Upper bound on signatures, checked when decoding.
    public static let maxSignatures = 10_000

    public var height: UInt64
    public var round: UInt32
    public var blockID: Hash256
    public var signatures: [CommitSignature]

    public init(height: UInt64, round: UInt32, blockID: Hash256, signatures: [CommitSignature]) {
        self.height = height
        self.round = round
        self.blockID = blockID
        self.signatures = signatures.sorted { $0.validator < $1.validator }
    }

    /// Builds a certificate from precommit votes for `blockID` (other votes are ignored).
    public init(height: UInt64, round: UInt32, blockID: Hash256, precommits: [Vote]) {
        let signatures = precommits.compactMap { vote -> CommitSignature? in
            guard vote.type == .precommit, vote.height == height, vote.round == round,
                vote.blockID == blockID, let ext = vote.voteExtension
            else { return nil }
            return CommitSignature(validator: vote.validator, voteExtension: ext, signature: vote.signature)
        }
        self.init(height: height, round: round, blockID: blockID, signatures: signatures)
    }

    /// The precommit vote a signature stands for.
    public func vote(for signature: CommitSignature) -> Vote {
        Vote(
            height: height, round: round, type: .precommit, blockID: blockID, validator: signature.validator,
            voteExtension: signature.voteExtension, signature: signature.signature)
    }

    /// Verifies every signature against `validators` and that the signers hold more than 2/3 of
    /// the total power. Unknown or duplicate signers are errors, not silently skipped.
    public func verify(chainID: String, validators: [ValidatorPower]) throws(CommitVerificationError) {
        guard let total = validators.totalPower, total > 0 else {
            throw CommitVerificationError(.invalidValidatorSet, "validator set is empty or its power overflows")
        }
        let powers = Dictionary(validators.map { ($0.publicKey, $0.power) }, uniquingKeysWith: { $1 })
        var signed: UInt64 = 0
        var previous: PublicKey?
        for signature in signatures {
            if let previous, !(previous < signature.validator) {
                throw CommitVerificationError(.duplicateSigner, "signatures not strictly sorted at \(signature.validator.short)")
            }
            previous = signature.validator
            guard let power = powers[signature.validator] else {
                throw CommitVerificationError(.unknownSigner, "\(signature.validator.short) is not a validator at height \(height)")
            }
            do {
                try vote(for: signature).verify(chainID: chainID)
            } catch {
                throw CommitVerificationError(.badSignature, "precommit of \(signature.validator.short): \(error.message)")
            }
            signed += power
        }
        // signed > 2/3 total, without overflow: 3·signed > 2·total in 128-bit.
        guard UInt128(signed) * 3 > UInt128(total) * 2 else {
            throw CommitVerificationError(.insufficientPower, "signers hold \(signed) of \(total) power, need more than 2/3")
        }
    }

    public init(from decoder: inout CanonicalDecoder) throws(CodecError) {
        height = try decoder.decode()
        round = try decoder.decode()
        blockID = try decoder.decode()
        let start = decoder.offset
        signatures = try decoder.decodeArray(maxCount: Self.maxSignatures)
        guard zip(signatures, signatures.dropFirst()).allSatisfy({ $0.validator < $1.validator }) else {
            throw CodecError(.invalidValue, offset: start, "commit signatures must be strictly sorted by validator")
        }
    }

    public func encode(to encoder: inout CanonicalEncoder) {
        encoder.encode(height)
        encoder.encode(round)
        encoder.encode(blockID)
        encoder.encode(signatures)
    }
}

/// Why a commit certificate was rejected.
public struct CommitVerificationError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Code: String, Hashable, Sendable {
        case invalidValidatorSet, duplicateSigner, unknownSigner, badSignature, insufficientPower
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "CommitVerificationError.\(code.rawValue): \(message)" }
}

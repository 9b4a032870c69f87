import HMNPrimitives

/// Signs commit certificates with validator keys held in this process.
///
/// A real chain gets its certificates from consensus; a single-process chain (the demo, tests,
/// benchmarks, the crash-test worker) uses this to produce the same certificates: precommits
/// signed by each validator of the height, with the vote extension consensus would attach.
public struct LocalCommitSigner: Sendable {
    /// The validator keys held, by public key.
    public let keys: [PublicKey: SigningKey]

    /// Holds `keys`.
    public init(keys: [SigningKey]) {
        self.keys = Dictionary(keys.map { ($0.publicKey, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// A certificate for `blockID` at `height`, signed by every validator of `validators` whose key
    /// is held here.
    public func certificate(
        chainID: String, height: UInt64, round: UInt32 = 0, blockID: Hash256,
        validators: [ValidatorPower],
        voteExtension: VoteExtension = VoteExtension(lambdaProposal: .one)
    ) -> CommitCertificate {
        let votes = validators.compactMap { validator -> Vote? in
            guard let key = keys[validator.publicKey] else { return nil }
            return Vote.signed(
                chainID: chainID, height: height, round: round, type: .precommit, blockID: blockID,
                voteExtension: voteExtension, key: key)
        }
        return CommitCertificate(height: height, round: round, blockID: blockID, precommits: votes)
    }

    /// The certificate for an executed block, signed by the validators of its height.
    public func certificate(for block: ExecutedBlock, ledger: Ledger) throws(LedgerError) -> CommitCertificate {
        certificate(
            chainID: ledger.chainID, height: block.height, blockID: block.id,
            validators: try ledger.validators(atHeight: block.height))
    }
}

extension SigningKey {
    /// A key derived from a public label: `seed = BLAKE2b-256(label)`. For demos, tests and
    /// benchmarks only; anyone who knows the label knows the key.
    public static func derived(from label: String) -> SigningKey {
        // A 32-byte seed always yields a key.
        try! SigningKey(seed: Hash256.of(Array(label.utf8)).bytes)
    }
}

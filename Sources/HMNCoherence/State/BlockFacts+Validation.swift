import HMNPrimitives

extension BlockFacts {
    /// Checks the facts against the state they are applied to. Every rule failure is a typed error
    /// naming the offending key or value; see ``CoherenceState/applying(_:parameters:)``.
    func validate(against state: CoherenceState, parameters: CoherenceParameters) throws(CoherenceError) {
        guard height == state.height + 1 else {
            throw CoherenceError(.inconsistentFacts, "facts for height \(height) applied to state at \(state.height)")
        }
        guard timeMilliseconds >= state.timeMilliseconds else {
            throw CoherenceError(
                .inconsistentFacts, "block time \(timeMilliseconds) ms precedes previous \(state.timeMilliseconds) ms")
        }
        guard !validators.isEmpty else {
            throw CoherenceError(.emptyValidatorSet, "block \(height) has no validators")
        }
        guard validators.count <= CoherenceState.maxValidators else {
            throw CoherenceError(
                .inconsistentFacts, "\(validators.count) validators exceed \(CoherenceState.maxValidators)")
        }
        try Self.requireUnique(validators.map(\.publicKey), "validator set")
        guard let total = validators.totalPower else {
            throw CoherenceError(.powerOverflow, "total voting power of block \(height) overflows UInt64")
        }
        guard total > 0 else {
            throw CoherenceError(.emptyValidatorSet, "validators of block \(height) hold no voting power")
        }
        let members = Set(validators.map(\.publicKey))

        if let commit = lastCommit {
            guard commit.height + 1 == height else {
                throw CoherenceError(.inconsistentFacts, "block \(height) carries a commit for height \(commit.height)")
            }
            try Self.requireUnique(commit.signatures.map(\.validator), "commit signers")
            for signature in commit.signatures {
                guard members.contains(signature.validator) else {
                    throw CoherenceError(
                        .unknownValidator, "commit signer \(signature.validator.short) is not a validator")
                }
                guard signature.voteExtension.isCanonical else {
                    throw CoherenceError(
                        .inconsistentFacts, "shard digests of \(signature.validator.short) are not sorted and unique")
                }
            }
        } else if height > 1 {
            throw CoherenceError(.inconsistentFacts, "block \(height) carries no last commit")
        }

        if let stakes {
            try Self.requireUnique(stakes.map(\.publicKey), "stakes")
            guard Set(stakes.map(\.publicKey)) == members else {
                throw CoherenceError(
                    .unknownValidator, "stakes must cover exactly the validator set of block \(height)")
            }
            guard stakes.totalPower != nil else {
                throw CoherenceError(.powerOverflow, "total stake of block \(height) overflows UInt64")
            }
        }

        try Self.requireUnique(joined, "joined validators")
        for key in joined where state.record(of: key) != nil {
            throw CoherenceError(.duplicateValidator, "joined validator \(key.short) already has a record")
        }
        let joinedSet = Set(joined)
        for key in members where state.record(of: key) == nil && !joinedSet.contains(key) {
            throw CoherenceError(.unknownValidator, "validator \(key.short) has no Ψ record and did not join")
        }
        try Self.requireUnique(equivocators, "equivocators")
        for key in equivocators where state.record(of: key) == nil && !joinedSet.contains(key) {
            throw CoherenceError(.unknownValidator, "equivocator \(key.short) is not a known validator")
        }
        guard state.validators.count + joined.count <= CoherenceState.maxValidators else {
            throw CoherenceError(.inconsistentFacts, "validator records would exceed \(CoherenceState.maxValidators)")
        }

        for (index, proof) in memoryProofs.enumerated() {
            guard proof.value >= parameters.criticalValue, proof.value <= .one else {
                throw CoherenceError(
                    .invalidRecord,
                    "memory proof \(index) states RΦV \(proof.value), not critical (≥ \(parameters.criticalValue)) and ≤ 1"
                )
            }
        }
    }

    private static func requireUnique(_ keys: [PublicKey], _ what: String) throws(CoherenceError) {
        var seen = Set<PublicKey>()
        for key in keys where !seen.insert(key).inserted {
            throw CoherenceError(.duplicateValidator, "\(what) lists \(key.short) twice")
        }
    }
}

import HMNCoherence
import HMNPrimitives

/// Validation and state transition of ``KVApplication``: deterministic functions of the block and
/// the committed state, so every honest node reaches the same verdict and the same app hash.
extension KVApplication {
    /// Checks everything about a block; `proposer` is checked when given (processProposal).
    func validate(_ block: ProposedBlock, height: UInt64, proposer: PublicKey?) throws(KVApplicationError) -> KVBlock {
        guard Hash256.of(block.bytes) == block.id else { throw KVApplicationError("block id does not match its bytes") }
        let decoded: KVBlock
        do {
            decoded = try KVBlock(canonicalBytes: block.bytes, maxLength: 1 << 20)
        } catch {
            throw KVApplicationError("malformed block: \(error)")
        }
        guard decoded.height == height, height == state.height + 1 else {
            throw KVApplicationError("block height \(decoded.height), expected \(state.height + 1)")
        }
        // A block re-proposed in a later round (Tendermint's validValue) keeps its creator, so the
        // creator need only be a validator of this height, as in CometBFT's block validation.
        _ = proposer
        guard state.validators.contains(where: { $0.publicKey == decoded.proposer }) else {
            throw KVApplicationError("block creator \(decoded.proposer.short) is not a validator")
        }
        if height == 1 {
            guard decoded.lastCommit == nil else { throw KVApplicationError("block 1 cannot carry a last commit") }
        } else {
            guard let commit = decoded.lastCommit, commit.height == height - 1, commit.blockID == state.lastBlockID,
                let signers = state.validators(atHeight: height - 1)
            else {
                throw KVApplicationError("missing or mismatched last commit")
            }
            do {
                try commit.verify(chainID: state.chainID, validators: signers)
            } catch {
                throw KVApplicationError("last commit: \(error.message)")
            }
            for signature in commit.signatures
            where !verifyVoteExtension(signature.voteExtension, validator: signature.validator, height: height - 1) {
                throw KVApplicationError("last commit carries an invalid vote extension")
            }
        }
        var included: [DuplicateVoteEvidence] = []
        for evidence in decoded.evidence {
            try validateEvidence(evidence, blockHeight: height, alreadyIncluded: included)
            included.append(evidence)
        }
        let required = state.nextIsEmergency ? state.requiredActions : []
        guard decoded.actions == required else {
            throw KVApplicationError(
                "emergency actions differ from the required ones (\(decoded.actions.count) vs \(required.count))")
        }
        for transaction in decoded.transactions where KVBlock.parse(transaction) == nil {
            throw KVApplicationError("malformed transaction")
        }
        return decoded
    }

    func validateEvidence(
        _ evidence: DuplicateVoteEvidence, blockHeight: UInt64, alreadyIncluded: [DuplicateVoteEvidence]
    ) throws(KVApplicationError) {
        guard evidence.height < blockHeight, evidence.height + configuration.evidenceMaxAgeHeights >= blockHeight else {
            throw KVApplicationError("evidence height out of range")
        }
        do {
            try evidence.verify(chainID: state.chainID)
        } catch {
            throw KVApplicationError("evidence: \(error.message)")
        }
        guard let signers = state.validators(atHeight: evidence.height),
            signers.contains(where: { $0.publicKey == evidence.validator })
        else {
            throw KVApplicationError("evidence against a non-validator")
        }
        let sameOffence = { (other: DuplicateVoteEvidence) in
            other.validator == evidence.validator && other.height == evidence.height
                && other.voteA.round == evidence.voteA.round && other.voteA.type == evidence.voteA.type
        }
        guard !state.committedEvidence.contains(where: sameOffence), !alreadyIncluded.contains(where: sameOffence)
        else {
            throw KVApplicationError("evidence already committed")
        }
    }

    /// Executes a validated block on `state`: transactions, evidence, the emergency actions, then
    /// the exact Layer-2 transition (HMNCoherence) over the block's facts.
    func apply(
        _ block: KVBlock, id: Hash256, to state: inout KVState
    ) throws(KVApplicationError) -> FinalizeBlockResponse {
        let config = configuration
        var results: [TransactionResult] = []
        var entries = Dictionary(state.entries.map { ($0.key, $0.value) }, uniquingKeysWith: { $1 })
        for transaction in block.transactions {
            if let (key, value) = KVBlock.parse(transaction) { entries[key] = value }
            results.append(TransactionResult(code: 0, log: ""))
        }
        state.entries = entries.map { KVEntry(key: $0.key, value: $0.value) }.sorted { $0.key < $1.key }

        // Layer 2 first, on the stakes at the start of the block (SPEC §3–§6).
        let facts = coherenceFacts(of: block, state: state)
        let outcome: CoherenceOutcome
        do {
            (state.coherenceState, outcome) = try state.coherenceState.applying(facts, parameters: config.coherence)
        } catch {
            throw KVApplicationError("coherence transition: \(error)")
        }

        // Stake changes land in the set for height + 2 (the current `nextValidators`). Committed
        // evidence removes the offender (the app's jail policy, stricter than L2's slash share).
        var powers = Dictionary(state.nextValidators.map { ($0.publicKey, $0.power) }, uniquingKeysWith: { $1 })
        for evidence in block.evidence {
            powers[evidence.validator] = 0
            state.committedEvidence.append(evidence)
            state.slashedByEvidence.append(evidence.validator)
        }
        // `validate` checked that the block's actions are exactly the due ones (outcome.emergencyActions).
        for action in block.actions {
            guard let power = powers[action.validator], power > 0 else { continue }
            switch action.kind {
            case .slash: powers[action.validator] = power > action.amount ? power - action.amount : 0
            case .boost: powers[action.validator] = power + action.amount
            }
        }
        if !block.actions.isEmpty { state.emergencyHeights.append(block.height) }

        // History, validator rotation (updates take effect at h + 2) and the next height's pace.
        state.history.append(KVHeightValidators(height: block.height, validators: state.validators))
        state.history.removeAll { $0.height + config.evidenceMaxAgeHeights + 2 < block.height }
        state.committedEvidence.removeAll { $0.height + config.evidenceMaxAgeHeights < block.height }
        let target = powers.filter { $0.value > 0 }.map { ValidatorPower(publicKey: $0.key, power: $0.value) }
            .sorted { $0.publicKey < $1.publicKey }
        let updates = Self.changeSet(from: state.nextValidators, to: target)
        state.validators = state.nextValidators
        state.nextValidators = target
        state.height = block.height
        state.lastBlockID = id
        state.nextBlockDelayMilliseconds = outcome.nextBlockDelayMilliseconds
        // Encoded once: hashed here, written to disk by commit().
        let stateBytes = state.canonicalBytes
        appliedStateBytes = stateBytes
        return FinalizeBlockResponse(
            transactionResults: results, validatorUpdates: updates, appHash: Hash256.of(stateBytes),
            nextBlockDelayMilliseconds: outcome.nextBlockDelayMilliseconds,
            nextHeightIsEmergency: outcome.nextHeightIsEmergency)
    }

    /// The block's `BlockFacts`: the set that signed its last commit (the block's own set at
    /// height 1), stakes from the set the block's changes land in, equivocators from its evidence
    /// (only those L2 still knows: a validator already removed has no record left to zero).
    func coherenceFacts(of block: KVBlock, state: KVState) -> BlockFacts {
        let signers = block.lastCommit.flatMap { state.validators(atHeight: $0.height) } ?? state.validators
        let stake = Dictionary(state.nextValidators.map { ($0.publicKey, $0.power) }, uniquingKeysWith: { $1 })
        return BlockFacts.finalized(
            height: block.height, timeMilliseconds: block.timeMilliseconds, signers: signers,
            lastCommit: block.lastCommit, equivocators: block.evidence.map(\.validator), stake: { stake[$0] },
            after: state.coherenceState)
    }

    /// This node's λ proposal: HMNCoherence's threshold policy over the committed Ĉ and λ (a pure
    /// function of the state, so a restarted node proposes the same). Falls back to the current λ.
    func lambdaProposal() -> FixedPoint {
        let parameters = configuration.coherence
        let current = state.coherenceState
        guard var policy = try? ThresholdLambdaPolicy(),
            let observation = try? LambdaObservation(
                coherenceHistory: [current.coherence.doubleValue], currentLambda: current.lambda.doubleValue,
                parameters: parameters),
            let proposal = try? policy.proposeLambda(observation)
        else { return current.lambda }
        return proposal
    }

    static func changeSet(from current: [ValidatorPower], to target: [ValidatorPower]) -> [ValidatorPower] {
        let old = Dictionary(current.map { ($0.publicKey, $0.power) }, uniquingKeysWith: { $1 })
        let new = Dictionary(target.map { ($0.publicKey, $0.power) }, uniquingKeysWith: { $1 })
        var changes = target.filter { old[$0.publicKey] != $0.power }
        changes += current.filter { new[$0.publicKey] == nil }.map { ValidatorPower(publicKey: $0.publicKey, power: 0) }
        return changes.sorted { $0.publicKey < $1.publicKey }
    }
}

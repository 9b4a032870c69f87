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

    /// Executes a validated block on `state`.
    func apply(_ block: KVBlock, id: Hash256, to state: inout KVState) -> FinalizeBlockResponse {
        let config = configuration
        var results: [TransactionResult] = []
        var entries = Dictionary(state.entries.map { ($0.key, $0.value) }, uniquingKeysWith: { $1 })
        for transaction in block.transactions {
            if let (key, value) = KVBlock.parse(transaction) { entries[key] = value }
            results.append(TransactionResult(code: 0, log: ""))
        }
        state.entries = entries.map { KVEntry(key: $0.key, value: $0.value) }.sorted { $0.key < $1.key }

        // Stake changes land in the set for height + 2 (the current `nextValidators`).
        var powers = Dictionary(state.nextValidators.map { ($0.publicKey, $0.power) }, uniquingKeysWith: { $1 })
        var psi = Dictionary(state.scores.map { ($0.validator, $0.psi) }, uniquingKeysWith: { $1 })
        for evidence in block.evidence {
            powers[evidence.validator] = 0
            psi[evidence.validator] = .zero
            state.committedEvidence.append(evidence)
            state.slashedByEvidence.append(evidence.validator)
        }
        for action in block.actions {
            guard let power = powers[action.validator], power > 0 else { continue }
            switch action.kind {
            case .slash: powers[action.validator] = power > action.amount ? power - action.amount : 0
            case .boost: powers[action.validator] = power + action.amount
            }
        }
        if !block.actions.isEmpty { state.emergencyHeights.append(block.height) }

        // Coherence from the last commit (SPEC §3–§5): c_i = signed × agree, Ĉ and Ψ as EMAs,
        // λ as the power-weighted median of the λ proposals.
        if let commit = block.lastCommit, let signers = state.validators(atHeight: commit.height) {
            let reports = Dictionary(
                commit.signatures.map { ($0.validator, $0.voteExtension) }, uniquingKeysWith: { $1 })
            let signerPower = Dictionary(signers.map { ($0.publicKey, $0.power) }, uniquingKeysWith: { $1 })
            var weightByDigest: [UInt32: [Hash256: UInt64]] = [:]
            for (validator, report) in reports {
                for digest in report.shardDigests {
                    weightByDigest[digest.shard, default: [:]][digest.digest, default: 0] += signerPower[validator] ?? 0
                }
            }
            let majority = weightByDigest.mapValues { weights in
                weights.max { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }!.key
            }
            var total: UInt64 = 0
            var weighted: UInt128 = 0
            for signer in signers {
                total += signer.power
                var contribution = FixedPoint.zero
                if let report = reports[signer.publicKey] {
                    let agreeing = report.shardDigests.filter { majority[$0.shard] == $0.digest }.count
                    contribution =
                        report.shardDigests.isEmpty
                        ? .one : FixedPoint(ratio: Int64(agreeing), Int64(report.shardDigests.count))
                }
                weighted += UInt128(contribution.raw) * UInt128(signer.power)
                let previous = psi[signer.publicKey] ?? FixedPoint(raw: 500_000)
                if !state.slashedByEvidence.contains(signer.publicKey) {
                    psi[signer.publicKey] =
                        (FixedPoint.one - config.alpha).multiplied(by: previous)
                        + config.alpha.multiplied(by: contribution)
                }
            }
            let instant = total > 0 ? FixedPoint(raw: Int64(weighted / UInt128(total))) : .one
            state.coherence =
                (FixedPoint.one - config.beta).multiplied(by: state.coherence)
                + config.beta.multiplied(by: instant)
            state.lambda = weightedMedianLambda(reports: reports, powers: signerPower, previous: state.lambda)
        }

        // History, validator rotation (updates take effect at h + 2) and the next height's pace.
        state.history.append(KVHeightValidators(height: block.height, validators: state.validators))
        state.history.removeAll { $0.height + config.evidenceMaxAgeHeights + 2 < block.height }
        state.committedEvidence.removeAll { $0.height + config.evidenceMaxAgeHeights < block.height }
        let target = powers.filter { $0.value > 0 }.map { ValidatorPower(publicKey: $0.key, power: $0.value) }
            .sorted { $0.publicKey < $1.publicKey }
        let updates = Self.changeSet(from: state.nextValidators, to: target)
        state.validators = state.nextValidators
        state.nextValidators = target
        state.scores = psi.map { KVScore(validator: $0.key, psi: $0.value) }.sorted { $0.validator < $1.validator }
        state.height = block.height
        state.lastBlockID = id

        let emergency = state.coherence < config.emergencyThreshold && block.height + 1 >= state.emergencyCooldownUntil
        state.nextIsEmergency = emergency
        state.requiredActions = emergency ? requiredActions(for: state) : []
        if emergency { state.emergencyCooldownUntil = block.height + 1 + config.emergencyCooldownHeights }
        state.nextBlockDelayMilliseconds = emergency ? 0 : config.delayMilliseconds(lambda: state.lambda)
        return FinalizeBlockResponse(
            transactionResults: results, validatorUpdates: updates, appHash: state.canonicalHash,
            nextBlockDelayMilliseconds: state.nextBlockDelayMilliseconds, nextHeightIsEmergency: emergency)
    }

    /// SPEC §6: slash Ψ < ψlow by `stake × slashRate × (1 − Ψ/ψlow)`, boost Ψ > ψhigh by
    /// `stake × boostRate × (Ψ − ψhigh)/(1 − ψhigh)`, against the stake the actions will change.
    func requiredActions(for state: KVState) -> [EmergencyAction] {
        let config = configuration
        var actions: [EmergencyAction] = []
        for validator in state.nextValidators {
            guard let psi = state.psi(of: validator.publicKey) else { continue }
            if psi < config.psiLow {
                let factor = config.slashRate.multiplied(by: FixedPoint.one - psi.divided(by: config.psiLow))
                if let amount = factor.scaling(validator.power), amount > 0 {
                    actions.append(EmergencyAction(kind: .slash, validator: validator.publicKey, amount: amount))
                }
            } else if psi > config.psiHigh {
                let factor = config.boostRate.multiplied(
                    by: (psi - config.psiHigh).divided(by: FixedPoint.one - config.psiHigh))
                if let amount = factor.scaling(validator.power), amount > 0 {
                    actions.append(EmergencyAction(kind: .boost, validator: validator.publicKey, amount: amount))
                }
            }
        }
        return actions
    }

    func weightedMedianLambda(
        reports: [PublicKey: VoteExtension], powers: [PublicKey: UInt64], previous: FixedPoint
    ) -> FixedPoint {
        let proposals = reports.map { (lambda: $0.value.lambdaProposal, power: powers[$0.key] ?? 0) }
            .sorted { $0.lambda < $1.lambda }
        let total = proposals.reduce(0) { $0 + $1.power }
        guard total > 0 else { return previous }
        var accumulated: UInt64 = 0
        var median = previous
        for proposal in proposals {
            accumulated += proposal.power
            if accumulated * 2 >= total {
                median = proposal.lambda
                break
            }
        }
        let step = configuration.lambdaMaxStep
        return median.clamped(to: configuration.lambdaRange).clamped(to: (previous - step)...(previous + step))
    }

    static func changeSet(from current: [ValidatorPower], to target: [ValidatorPower]) -> [ValidatorPower] {
        let old = Dictionary(current.map { ($0.publicKey, $0.power) }, uniquingKeysWith: { $1 })
        let new = Dictionary(target.map { ($0.publicKey, $0.power) }, uniquingKeysWith: { $1 })
        var changes = target.filter { old[$0.publicKey] != $0.power }
        changes += current.filter { new[$0.publicKey] == nil }.map { ValidatorPower(publicKey: $0.publicKey, power: 0) }
        return changes.sorted { $0.publicKey < $1.publicKey }
    }
}

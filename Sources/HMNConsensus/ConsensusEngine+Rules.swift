import HMNPrimitives

/// The upon-rules of Algorithm 1 (arXiv:1807.04938), evaluated to a fixpoint after every event.
extension ConsensusEngine {
    /// StartRound (lines 11–21).
    mutating func startRound(_ newRound: UInt32, _ app: any ConsensusApplication) {
        round = newRound
        step = .propose
        isStarted = true
        if !isReplaying { output.append(.persist(.roundStarted(height: height, round: newRound))) }
        if let key = signingKey, height > signingFloorHeight, cachedProposer(forRound: newRound) == key.publicKey {
            propose(app, key: key)
        }
        schedule(ConsensusTimeout(height: height, round: newRound, step: .propose))
    }

    /// The proposer's part of StartRound: re-propose `validValue` or ask the application for a block.
    mutating func propose(_ app: any ConsensusApplication, key: SigningKey) {
        if let last = lastSigned {
            let order = last.compare(height, round, 1)
            if order == 0, case .proposal(let proposal) = last.message {
                output.append(.broadcast(.proposal(proposal)))
                acceptProposal(proposal, app)
                return
            }
            if order > 0 { return }
        }
        let block: ProposedBlock
        let proposalValidRound: UInt32?
        if let value = validValue, validRound >= 0 {
            block = value
            proposalValidRound = UInt32(validRound)
        } else {
            let request = PrepareProposalRequest(
                height: height, round: round, timeMilliseconds: now, proposer: key.publicKey,
                lastCommit: lastCommit, evidence: evidencePool, maxBlockBytes: configuration.maxBlockBytes)
            do {
                block = try app.prepareProposal(request)
            } catch {
                logger.warning("prepareProposal failed; not proposing", metadata: ["error": "\(error)"])
                return
            }
            proposalValidRound = nil
        }
        guard block.bytes.count <= configuration.maxBlockBytes else {
            logger.warning("prepared block exceeds maxBlockBytes; not proposing")
            return
        }
        let proposal = Proposal.signed(
            chainID: chainID, height: height, round: round, validRound: proposalValidRound, block: block,
            timestampMilliseconds: now, key: key)
        lastSigned = SignedStep(
            height: height, round: round, step: 1, signBytes: proposal.signBytes(chainID: chainID),
            message: .proposal(proposal))
        ownMessages.append(.proposal(proposal))
        output.append(.persist(.signedProposal(proposal)))
        output.append(.broadcast(.proposal(proposal)))
        acceptProposal(proposal, app)
    }

    /// Stores the round's proposal and asks the application for its verdict once per block.
    mutating func acceptProposal(_ proposal: Proposal, _ app: any ConsensusApplication) {
        proposals[proposal.round] = proposal
        participants[proposal.round, default: [:]][proposal.proposer] = validators.power(of: proposal.proposer) ?? 0
        _ = verdict(for: proposal.block, round: proposal.round, proposer: proposal.proposer, app)
    }

    mutating func verdict(
        for block: ProposedBlock, round: UInt32, proposer: PublicKey, _ app: any ConsensusApplication
    ) -> Bool {
        if let known = verdicts[block] { return known }
        let answer = app.processProposal(
            ProcessProposalRequest(height: height, round: round, proposer: proposer, block: block))
        let accepted = answer == .accept
        if case .reject(let reason) = answer {
            logger.debug("proposal rejected", metadata: ["height": "\(height)", "reason": "\(reason)"])
        }
        verdicts[block] = accepted
        output.append(.verdict(height: height, round: round, blockID: block.id, accepted: accepted))
        return accepted
    }

    /// Applies rules until none fires.
    mutating func evaluate(_ app: any ConsensusApplication) {
        guard isStarted, step != .newHeight else { return }
        while haltError == nil && isStarted && step != .newHeight {
            if tryDecide(app) { return }
            if let target = roundToSkipTo() {
                // Line 55: f + 1 messages of a later round → jump to it.
                startRound(target, app)
                continue
            }
            if !applyRoundRules(app) { return }
        }
    }

    /// Line 49: a proposal and 2f + 1 precommits for it in some round → decide.
    mutating func tryDecide(_ app: any ConsensusApplication) -> Bool {
        for (decidedRound, votes) in precommits.sorted(by: { $0.key < $1.key }) {
            guard case .some(.some(let blockID)) = votes.majority(in: validators) else { continue }
            if let block = proposals.values.map(\.block).first(where: { $0.id == blockID && verdicts[$0] == true }) {
                let commit = CommitCertificate(
                    height: height, round: decidedRound, blockID: blockID, precommits: votes.votes(for: blockID))
                commitBlock(block, commit: commit, viaBlockSync: false, app)
                return true
            }
            // Decided elsewhere but we lack the block: fetch it, with its commit, from a signer.
            // The lowest key, not the dictionary's first: the simulator needs the same choice every run.
            if let signer = votes.votes(for: blockID).map(\.validator).filter({ $0 != publicKey }).min() {
                requestBlock(from: signer, force: false)
            }
        }
        return false
    }

    func roundToSkipTo() -> UInt32? {
        participants.filter { $0.key > round && validators.exceedsOneThird($0.value.values.reduce(0, +)) }
            .keys.min()
    }

    /// Lines 22–48 for the current round. Returns true when the state changed.
    mutating func applyRoundRules(_ app: any ConsensusApplication) -> Bool {
        let r = round
        let proposal = proposals[r]
        if step == .propose, let proposal {
            let valid = verdicts[proposal.block] == true
            let id = proposal.block.id
            if proposal.validRound == nil {
                // Line 22: a fresh proposal.
                let acceptable = valid && (lockedRound == -1 || lockedValue?.id == id)
                signVote(.prevote, blockID: acceptable ? id : nil, app)
                step = .prevote
                return true
            }
            if let vr = proposal.validRound, vr < r,
                case .some(.some(let polka)) = prevotes[vr]?.majority(in: validators),
                polka == id
            {
                // Line 28: a re-proposal backed by a polka of round vr (proof of lock change).
                let acceptable = valid && (lockedRound <= Int64(vr) || lockedValue?.id == id)
                signVote(.prevote, blockID: acceptable ? id : nil, app)
                step = .prevote
                return true
            }
        }
        if step == .prevote, !once.contains(.prevoteTimeout(r)), prevotes[r]?.hasQuorumOfAny(in: validators) == true {
            // Line 34.
            once.insert(.prevoteTimeout(r))
            schedule(ConsensusTimeout(height: height, round: r, step: .prevote))
        }
        if step >= .prevote, let proposal, !once.contains(.polka(r)), verdicts[proposal.block] == true,
            case .some(.some(let polka)) = prevotes[r]?.majority(in: validators), polka == proposal.block.id
        {
            // Line 36: a polka for the proposal → lock and precommit (if still prevoting).
            once.insert(.polka(r))
            if step == .prevote {
                lockedValue = proposal.block
                lockedRound = Int64(r)
                signVote(.precommit, blockID: polka, app)
                step = .precommit
            }
            validValue = proposal.block
            validRound = Int64(r)
            return true
        }
        if step == .prevote, case .some(.none) = prevotes[r]?.majority(in: validators) {
            // Line 44: a nil polka.
            signVote(.precommit, blockID: nil, app)
            step = .precommit
            return true
        }
        if !once.contains(.precommitTimeout(r)), precommits[r]?.hasQuorumOfAny(in: validators) == true {
            // Line 47.
            once.insert(.precommitTimeout(r))
            schedule(ConsensusTimeout(height: height, round: r, step: .precommit))
        }
        return false
    }

    /// Signs and broadcasts a vote, unless the double-sign guard forbids it.
    mutating func signVote(_ type: VoteType, blockID: Hash256?, _ app: any ConsensusApplication) {
        guard let key = signingKey, height > signingFloorHeight, let power = validators.power(of: key.publicKey)
        else { return }
        let stepNumber: UInt8 = type == .prevote ? 2 : 3
        let extensionData =
            type == .precommit && blockID != nil
            ? app.extendVote(height: height, round: round, blockID: blockID!) : nil
        let bytes = Vote.signBytes(
            chainID: chainID, height: height, round: round, type: type, blockID: blockID,
            validator: key.publicKey, voteExtension: extensionData)
        var vote: Vote
        if let last = lastSigned, last.compare(height, round, stepNumber) >= 0 {
            guard last.compare(height, round, stepNumber) == 0, last.signBytes == bytes,
                case .vote(let previous) = last.message
            else {
                logger.warning(
                    "refusing to sign a conflicting vote",
                    metadata: ["height": "\(height)", "round": "\(round)", "type": "\(type)"])
                return
            }
            vote = previous
        } else {
            vote = Vote(
                height: height, round: round, type: type, blockID: blockID, validator: key.publicKey,
                voteExtension: extensionData, signature: key.sign(bytes))
            lastSigned = SignedStep(
                height: height, round: round, step: stepNumber, signBytes: bytes, message: .vote(vote))
            ownMessages.append(.vote(vote))
            output.append(.persist(.signedVote(vote)))
        }
        output.append(.broadcast(.vote(vote)))
        addVote(vote, power: power)
    }

    /// Finalizes and commits a decided block, then moves to the next height (lines 49–54).
    mutating func commitBlock(
        _ block: ProposedBlock, commit: CommitCertificate, viaBlockSync: Bool, _ app: any ConsensusApplication
    ) {
        let response: FinalizeBlockResponse
        do {
            response = try app.finalizeBlock(FinalizeBlockRequest(height: height, block: block, commit: commit))
            try app.commit()
        } catch {
            halt(ConsensusError(.applicationFailed, "finalizing height \(height) failed: \(error)"))
            return
        }
        let following: ValidatorSet
        do {
            following = try nextValidators.advanced(applying: response.validatorUpdates)
        } catch {
            halt(error)
            return
        }
        output.append(
            .finalized(
                FinalizedHeight(
                    height: height, block: block, commit: commit, response: response, viaBlockSync: viaBlockSync)))
        lastCommitValidators = validators
        validators = nextValidators
        nextValidators = following
        lastCommit = commit
        height += 1
        heightEnteredAtMilliseconds = now
        resetHeightState()
        isEmergency = response.nextHeightIsEmergency
        startDelayMilliseconds = isEmergency ? 0 : response.nextBlockDelayMilliseconds
        evidencePool.removeAll { $0.height + configuration.evidenceMaxAgeHeights < height }
        output.append(.checkpoint(snapshot))
        beginHeightAfterDelay(app)
    }

    mutating func resetHeightState() {
        round = 0
        step = .newHeight
        isStarted = false
        isWaitingForTransactions = false
        lockedValue = nil
        lockedRound = -1
        validValue = nil
        validRound = -1
        proposals = [:]
        verdicts = [:]
        prevotes = [:]
        precommits = [:]
        participants = [:]
        once = []
        proposerCache = [:]
        ownMessages = []
    }
}

import HMNPrimitives

/// Incoming messages: verification, vote tallying, equivocation detection and block sync.
extension ConsensusEngine {
    mutating func onMessage(_ message: ConsensusMessage, from peer: PublicKey, _ app: any ConsensusApplication) {
        switch message {
        case .proposal(let proposal): receiveProposal(proposal, from: peer, app)
        case .vote(let vote): receiveVote(vote, from: peer, app)
        case .blockRequest(let requested): answerBlockRequest(requested, from: peer, app)
        case .blockResponse(let committed): receiveCommittedBlock(committed, from: peer, app)
        }
    }

    mutating func receiveProposal(_ proposal: Proposal, from peer: PublicKey, _ app: any ConsensusApplication) {
        guard proposal.height == height else {
            if proposal.height > height { noteAhead(peer, height: proposal.height) }
            if proposal.height < height { noteBehind(peer, height: proposal.height, app) }
            return
        }
        guard proposal.round <= round + Self.maxRoundLookahead, proposals[proposal.round] == nil else { return }
        guard proposal.proposer == cachedProposer(forRound: proposal.round) else {
            logger.debug("proposal from a validator that is not the round's proposer")
            return
        }
        guard proposal.block.bytes.count <= configuration.maxBlockBytes else {
            logger.debug("proposal block exceeds maxBlockBytes")
            return
        }
        do {
            try proposal.verify(chainID: chainID)
        } catch {
            logger.debug("bad proposal signature", metadata: ["error": "\(error)"])
            return
        }
        if !isReplaying { output.append(.persist(.received(.proposal(proposal)))) }
        acceptProposal(proposal, app)
    }

    mutating func receiveVote(_ vote: Vote, from peer: PublicKey, _ app: any ConsensusApplication) {
        guard vote.height == height else {
            if vote.height > height { noteAhead(peer, height: vote.height) }
            if vote.height < height {
                if vote.height + 1 == height { extendLastCommit(with: vote, app) }
                noteBehind(peer, height: vote.height, app)
            }
            return
        }
        guard vote.round <= round + Self.maxRoundLookahead, let power = validators.power(of: vote.validator) else {
            return
        }
        let votes = vote.type == .prevote ? prevotes[vote.round] : precommits[vote.round]
        if votes?.contains(vote) == true { return }
        do {
            try vote.verify(chainID: chainID)
        } catch {
            logger.debug("bad vote signature", metadata: ["error": "\(error)"])
            return
        }
        if vote.type == .precommit, vote.blockID != nil {
            guard let voteExtension = vote.voteExtension, voteExtension.isCanonical,
                app.verifyVoteExtension(voteExtension, validator: vote.validator, height: height)
            else {
                logger.debug("precommit with a missing or invalid vote extension")
                return
            }
        }
        if !isReplaying { output.append(.persist(.received(.vote(vote)))) }
        addVote(vote, power: power)
    }

    /// Adds a precommit for the block this node decided last to ``lastCommit``, which the next
    /// proposal carries.
    ///
    /// Why: the engine decides as soon as +2/3 of the power has precommitted, so the certificate
    /// holds only the first +2/3 (in a 4-validator network usually exactly 3 signatures, whatever the
    /// fourth did). Layer 2 scores participation from the last commit a block carries (SPEC §3:
    /// `signed_i`), so without this a validator that is merely last would look absent and Ĉ would
    /// settle near 0.714–0.75 with every validator healthy. CometBFT waits `timeout_commit` and
    /// proposes with every precommit it has; here the epoch delay plays that role. Each added
    /// precommit is verified (signature, signer of that height, vote extension), and peers verify the
    /// whole certificate again in the proposal, so this changes what is measured, never what is valid.
    mutating func extendLastCommit(with vote: Vote, _ app: any ConsensusApplication) {
        guard let current = lastCommit, let signers = lastCommitValidators, vote.type == .precommit,
            vote.height == current.height, vote.round == current.round, vote.blockID == current.blockID,
            signers.power(of: vote.validator) != nil,
            !current.signatures.contains(where: { $0.validator == vote.validator }),
            let voteExtension = vote.voteExtension, voteExtension.isCanonical,
            (try? vote.verify(chainID: chainID)) != nil,
            app.verifyVoteExtension(voteExtension, validator: vote.validator, height: vote.height)
        else { return }
        lastCommit = CommitCertificate(
            height: current.height, round: current.round, blockID: current.blockID,
            signatures: current.signatures
                + [CommitSignature(validator: vote.validator, voteExtension: voteExtension, signature: vote.signature)])
    }

    /// Tallies a verified vote; a second, different vote of the same step is equivocation.
    mutating func addVote(_ vote: Vote, power: UInt64) {
        let outcome: VoteSet.Outcome
        if vote.type == .prevote {
            outcome = prevotes[vote.round, default: VoteSet()].add(vote, power: power)
        } else {
            outcome = precommits[vote.round, default: VoteSet()].add(vote, power: power)
        }
        switch outcome {
        case .added:
            participants[vote.round, default: [:]][vote.validator] = power
        case .duplicate:
            break
        case .conflict(let existing):
            recordEvidence(DuplicateVoteEvidence(existing, vote))
        }
    }

    mutating func recordEvidence(_ evidence: DuplicateVoteEvidence) {
        guard !evidencePool.contains(evidence) else { return }
        do {
            try evidence.verify(chainID: chainID)
        } catch {
            return
        }
        logger.info(
            "equivocation detected",
            metadata: ["validator": "\(evidence.validator.short)", "height": "\(evidence.height)"])
        evidencePool.append(evidence)
        output.append(.evidence(evidence))
    }

    // MARK: Block sync

    /// A peer spoke about a later height: it has committed ours, so fetch it.
    mutating func noteAhead(_ peer: PublicKey, height peerHeight: UInt64) {
        peerHeights[peer] = max(peerHeights[peer] ?? 0, peerHeight)
        requestBlock(from: peer, force: false)
    }

    /// A peer still speaks about a height this node has committed: send it that block with its
    /// certificate (CometBFT's catch-up). Without this a node that decided a height alone (the
    /// others missed its precommit) leaves them stuck: it never speaks at their height again, and
    /// if it left the validator set it never speaks at all, so they would never learn they are
    /// behind. Late votes just after a commit are normal, so the previous height is only served once
    /// the peer is still there a gossip interval later, and each peer at most once per interval.
    mutating func noteBehind(_ peer: PublicKey, height peerHeight: UInt64, _ app: any ConsensusApplication) {
        guard !isReplaying, peer != publicKey else { return }
        let interval = configuration.gossipIntervalMilliseconds
        if peerHeight + 1 == height, now < heightEnteredAtMilliseconds + interval { return }
        if let last = catchUpSent[peer], last.height == peerHeight, now < last.atMilliseconds + interval { return }
        if catchUpSent.count >= Self.maxCatchUpPeers { catchUpSent.removeAll() }
        catchUpSent[peer] = (peerHeight, now)
        answerBlockRequest(peerHeight, from: peer, app)
    }

    mutating func requestBlock(from peer: PublicKey, force: Bool) {
        if !force, let last = lastSyncRequest, last.height == height,
            now < last.atMilliseconds + configuration.syncRetryMilliseconds
        {
            return
        }
        lastSyncRequest = (height, now)
        output.append(.send(.blockRequest(height: height), to: peer))
    }

    /// Serves a committed block. One the application cannot read (a stored row failing its
    /// integrity check) is not sent, and is logged; the requester retries later.
    mutating func answerBlockRequest(_ requested: UInt64, from peer: PublicKey, _ app: any ConsensusApplication) {
        guard requested < height else { return }
        let committed: CommittedBlock?
        do {
            committed = try app.committedBlock(atHeight: requested)
        } catch {
            logger.error(
                "block sync: cannot serve a committed block",
                metadata: ["height": "\(requested)", "peer": "\(peer.short)", "error": "\(error)"])
            return
        }
        guard let committed else { return }
        output.append(.send(.blockResponse(committed), to: peer))
    }

    /// Block sync: verify the certificate against this height's validator set and the block with the
    /// application, then commit it exactly as if this node had decided it.
    mutating func receiveCommittedBlock(
        _ committed: CommittedBlock, from peer: PublicKey, _ app: any ConsensusApplication
    ) {
        guard committed.height == height, committed.commit.height == height,
            committed.commit.blockID == committed.block.id,
            committed.block.bytes.count <= configuration.maxBlockBytes
        else { return }
        do {
            try committed.commit.verify(chainID: chainID, validators: validators.powers)
        } catch {
            logger.debug("block sync: bad commit certificate", metadata: ["error": "\(error)"])
            return
        }
        for signature in committed.commit.signatures
        where !app.verifyVoteExtension(signature.voteExtension, validator: signature.validator, height: height) {
            logger.debug("block sync: invalid vote extension in commit")
            return
        }
        let proposer = cachedProposer(forRound: committed.commit.round)
        guard verdict(for: committed.block, round: committed.commit.round, proposer: proposer, app) else {
            logger.warning("block sync: a certified block failed processProposal")
            return
        }
        commitBlock(committed.block, commit: committed.commit, viaBlockSync: true, app)
        if let peerHeight = peerHeights[peer], peerHeight > height { requestBlock(from: peer, force: true) }
    }
}

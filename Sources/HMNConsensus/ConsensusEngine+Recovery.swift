import HMNPrimitives
import Logging

/// Start-up and crash recovery from the application's committed position and the WAL.
extension ConsensusEngine {
    /// Creates an engine at the application's next height.
    ///
    /// - With an empty WAL and an application at height 0: genesis (validator set from `info()`).
    /// - With a WAL whose last checkpoint is the application's next height: that height's state,
    ///   then, on ``ConsensusEvent/start``, a replay of the records after it (own signatures restore
    ///   the double-sign guard and the lock; received messages restore the vote tallies).
    /// - With a checkpoint one height behind (a crash between the application's commit and the
    ///   checkpoint): the next height's sets are derived from the checkpoint and `info()`.
    ///
    /// - Parameter signingFloorHeight: sign nothing at heights up to this one (see
    ///   ``signingFloorHeight``).
    public init(
        configuration: ConsensusConfiguration, signingKey: SigningKey?, application: any ConsensusApplication,
        walRecords: [WALRecord], signingFloorHeight: UInt64 = 0, logger: Logger
    ) throws(ConsensusError) {
        try configuration.validate()
        self.signingFloorHeight = signingFloorHeight
        let info: ApplicationInfo
        do {
            info = try application.info()
        } catch {
            throw ConsensusError(.applicationFailed, "info() failed: \(error)")
        }
        self.configuration = configuration
        self.chainID = info.chainID
        self.signingKey = signingKey
        self.logger = logger
        let target = info.lastHeight + 1
        let checkpointIndex = walRecords.lastIndex { record in
            if case .heightStarted = record { return true }
            return false
        }
        if let checkpointIndex, case .heightStarted(let snapshot) = walRecords[checkpointIndex] {
            if snapshot.height == target {
                height = target
                validators = snapshot.validators
                nextValidators = snapshot.nextValidators
                lastCommit = snapshot.lastCommit
                isEmergency = snapshot.isEmergency
                startDelayMilliseconds = snapshot.startDelayMilliseconds
                pendingReplay = Array(walRecords[(checkpointIndex + 1)...])
                return
            }
            guard snapshot.height + 1 == target else {
                throw ConsensusError(
                    .walBehindApplication,
                    "WAL checkpoint is for height \(snapshot.height) but the application is at \(info.lastHeight)")
            }
            height = target
            validators = snapshot.nextValidators
            nextValidators = try snapshot.nextValidators.advanced(
                applying: Self.updates(from: snapshot.nextValidators.powers, to: info.nextValidators))
            do {
                lastCommit = try application.committedBlock(atHeight: info.lastHeight)?.commit
            } catch {
                throw ConsensusError(.applicationFailed, "committedBlock(\(info.lastHeight)) failed: \(error)")
            }
        } else {
            guard info.lastHeight == 0 else {
                throw ConsensusError(
                    .walBehindApplication, "application is at height \(info.lastHeight) but the WAL is empty")
            }
            height = 1
            validators = try ValidatorSet(info.validators)
            nextValidators = try validators.advanced(
                applying: Self.updates(from: validators.powers, to: info.nextValidators))
            lastCommit = nil
        }
        isEmergency = info.nextHeightIsEmergency
        startDelayMilliseconds = info.nextHeightIsEmergency ? 0 : info.nextBlockDelayMilliseconds
        needsCheckpoint = true
    }

    /// The change set that turns `current` into `target` (0 power removes).
    static func updates(from current: [ValidatorPower], to target: [ValidatorPower]) -> [ValidatorPower] {
        let old = Dictionary(current.map { ($0.publicKey, $0.power) }, uniquingKeysWith: { $1 })
        let new = Dictionary(target.map { ($0.publicKey, $0.power) }, uniquingKeysWith: { $1 })
        var changes = target.filter { old[$0.publicKey] != $0.power && $0.power > 0 }
        changes += current.filter { new[$0.publicKey] == nil }.map { ValidatorPower(publicKey: $0.publicKey, power: 0) }
        return changes.sorted { $0.publicKey < $1.publicKey }
    }

    /// Rebuilds the height from its WAL records, then resumes at the latest round it reached.
    mutating func replay(_ records: [WALRecord], _ app: any ConsensusApplication) {
        isReplaying = true
        var resumeRound: UInt32 = 0
        var received: [ConsensusMessage] = []
        for record in records {
            switch record {
            case .signedProposal(let proposal) where proposal.height == height:
                restoreSigned(
                    .proposal(proposal), round: proposal.round, step: 1, bytes: proposal.signBytes(chainID: chainID))
                ownMessages.append(.proposal(proposal))
                resumeRound = max(resumeRound, proposal.round)
                if proposals[proposal.round] == nil { acceptProposal(proposal, app) }
            case .signedVote(let vote) where vote.height == height:
                restoreSigned(
                    .vote(vote), round: vote.round, step: vote.type == .prevote ? 2 : 3,
                    bytes: vote.signBytes(chainID: chainID))
                ownMessages.append(.vote(vote))
                resumeRound = max(resumeRound, vote.round)
                if let power = validators.power(of: vote.validator) { addVote(vote, power: power) }
            case .roundStarted(let recordHeight, let recordRound) where recordHeight == height:
                resumeRound = max(resumeRound, recordRound)
            case .received(let message) where message.height == height:
                received.append(message)
            default:
                continue
            }
        }
        for message in received {
            switch message {
            case .proposal(let proposal): receiveProposal(proposal, from: proposal.proposer, app)
            case .vote(let vote): receiveVote(vote, from: vote.validator, app)
            default: continue
            }
        }
        restoreLocks()
        startRound(resumeRound, app)
        isReplaying = false
        logger.info(
            "replayed WAL", metadata: ["height": "\(height)", "round": "\(resumeRound)", "records": "\(records.count)"])
    }

    mutating func restoreSigned(_ message: ConsensusMessage, round signedRound: UInt32, step: UInt8, bytes: [UInt8]) {
        if let last = lastSigned, last.compare(height, signedRound, step) >= 0 { return }
        lastSigned = SignedStep(height: height, round: signedRound, step: step, signBytes: bytes, message: message)
    }

    /// The lock is the block of this node's latest precommit for a block (line 38 sets both at once);
    /// the valid value is the latest proposal with a polka.
    mutating func restoreLocks() {
        let key = publicKey
        for (precommitRound, votes) in precommits {
            guard let key, let own = votes.votes[key], let blockID = own.blockID, Int64(precommitRound) > lockedRound,
                let block = proposals.values.map(\.block).first(where: { $0.id == blockID })
            else { continue }
            lockedRound = Int64(precommitRound)
            lockedValue = block
        }
        for (polkaRound, votes) in prevotes {
            guard case .some(.some(let blockID)) = votes.majority(in: validators), Int64(polkaRound) > validRound,
                let proposal = proposals[polkaRound], proposal.block.id == blockID
            else { continue }
            validRound = Int64(polkaRound)
            validValue = proposal.block
        }
    }
}

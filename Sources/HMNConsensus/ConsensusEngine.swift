import HMNPrimitives
import Logging

/// The step of the current round (Tendermint's `step_p`), plus the wait before a height starts.
public enum ConsensusStep: Int, Comparable, Sendable {
    case newHeight = 0
    case propose = 1
    case prevote = 2
    case precommit = 3

    public static func < (lhs: ConsensusStep, rhs: ConsensusStep) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// Tendermint BFT consensus (Buchman, Kwon, Milosevic, "The latest gossip on BFT consensus",
/// arXiv:1807.04938, Algorithm 1) as a value-type state machine without I/O.
///
/// Events go in through ``handle(_:now:application:)`` and come out as ``ConsensusAction``s that a
/// shell executes in order (persist, then send). The engine reads no clock (``handle(_:now:application:)``
/// is given the node's time), draws no randomness and opens no file or socket; it calls the
/// application synchronously through ``ConsensusApplication``, which is the only way it touches
/// blocks. λ attunement arrives as the application's `nextBlockDelayMilliseconds` (the wait before
/// the next height) and `nextHeightIsEmergency` (start at once, with shortened round timeouts).
///
/// Safety rests on three things: the upon-rules of Algorithm 1 with locking and proof-of-lock-change
/// (`lockedValue/lockedRound`, `validValue/validRound`); a double-sign guard that refuses to sign
/// anything at or below the last signed (height, round, step) unless it is byte-identical; and the
/// shell persisting every signed message before sending it, so a restart replays the guard.
public struct ConsensusEngine: Sendable {
    struct SignedStep: Sendable {
        var height: UInt64
        var round: UInt32
        var step: UInt8
        var signBytes: [UInt8]
        var message: ConsensusMessage

        func compare(_ height: UInt64, _ round: UInt32, _ step: UInt8) -> Int {
            if (self.height, self.round, self.step) == (height, round, step) { return 0 }
            return (self.height, self.round, self.step) < (height, round, step) ? -1 : 1
        }
    }

    enum Once: Hashable {
        case prevoteTimeout(UInt32)
        case polka(UInt32)
        case precommitTimeout(UInt32)
    }

    /// Proposals from rounds far ahead are ignored: computing their proposer costs O(rounds).
    static let maxRoundLookahead: UInt32 = 64
    /// Peers remembered for catch-up rate limiting (the map is cleared when full).
    static let maxCatchUpPeers = 1_024

    public let configuration: ConsensusConfiguration
    public let chainID: String
    let signingKey: SigningKey?
    /// This node signs no proposal and no vote at heights at or below this one (0: no floor).
    /// Set after its data was reset (`hmn reset`): it no longer remembers what it signed at the
    /// heights it had reached, so it resyncs them by block sync and signs only above them.
    public let signingFloorHeight: UInt64
    let logger: Logger

    public internal(set) var height: UInt64
    public internal(set) var round: UInt32 = 0
    public internal(set) var step: ConsensusStep = .newHeight
    /// Round 0 of ``height`` has begun (false during the epoch delay).
    public internal(set) var isStarted = false
    /// The epoch delay has passed and the height waits for a transaction
    /// (``ConsensusConfiguration/emptyBlockWaitMilliseconds``).
    public internal(set) var isWaitingForTransactions = false
    public internal(set) var validators: ValidatorSet
    public internal(set) var nextValidators: ValidatorSet
    public internal(set) var lastCommit: CommitCertificate?
    /// The set that signed ``lastCommit`` (nil after a restart), for precommits that arrive after
    /// the decision (see ``extendLastCommit(with:_:)``).
    var lastCommitValidators: ValidatorSet?
    public internal(set) var isEmergency: Bool
    var startDelayMilliseconds: UInt64

    var lockedValue: ProposedBlock?
    public internal(set) var lockedRound: Int64 = -1
    var validValue: ProposedBlock?
    public internal(set) var validRound: Int64 = -1
    var proposals: [UInt32: Proposal] = [:]
    var verdicts: [ProposedBlock: Bool] = [:]
    var prevotes: [UInt32: VoteSet] = [:]
    var precommits: [UInt32: VoteSet] = [:]
    var participants: [UInt32: [PublicKey: UInt64]] = [:]
    var once: Set<Once> = []
    var proposerCache: [UInt32: PublicKey] = [:]
    var ownMessages: [ConsensusMessage] = []

    var lastSigned: SignedStep?
    public internal(set) var evidencePool: [DuplicateVoteEvidence] = []
    var peerHeights: [PublicKey: UInt64] = [:]
    var lastSyncRequest: (height: UInt64, atMilliseconds: UInt64)?
    /// Last committed block sent to each lagging peer (``noteBehind(_:height:_:)``).
    var catchUpSent: [PublicKey: (height: UInt64, atMilliseconds: UInt64)] = [:]
    /// Local time at which this node entered ``height`` (0 after a restart).
    var heightEnteredAtMilliseconds: UInt64 = 0
    public internal(set) var haltError: ConsensusError?

    var pendingReplay: [WALRecord]?
    var needsCheckpoint = false
    var isReplaying = false
    var pendingStart = false
    var gossipScheduled = false
    var now: UInt64 = 0
    var output: [ConsensusAction] = []

    /// The block this node is locked on, if any.
    public var lockedBlockID: Hash256? { lockedValue?.id }
    public var validBlockID: Hash256? { validValue?.id }
    /// This node's validator key, nil for an observer.
    public var publicKey: PublicKey? { signingKey?.publicKey }

    /// What a restart needs to resume this height.
    public var snapshot: HeightSnapshot {
        HeightSnapshot(
            height: height, validators: validators, nextValidators: nextValidators, lastCommit: lastCommit,
            isEmergency: isEmergency, startDelayMilliseconds: startDelayMilliseconds)
    }

    /// Processes one event at local time `now` (milliseconds) and returns the actions to execute.
    public mutating func handle(
        _ event: ConsensusEvent, now: UInt64, application: any ConsensusApplication
    ) -> [ConsensusAction] {
        guard haltError == nil else { return [] }
        self.now = now
        output = []
        switch event {
        case .start: onStart(application)
        case .message(let message, let peer): onMessage(message, from: peer, application)
        case .timeout(let timeout): onTimeout(timeout, application)
        case .evidence(let evidence): recordEvidence(evidence)
        case .transactionsAvailable: if isWaitingForTransactions { beginHeight() }
        }
        // A peer has started this height (its proposal or a vote is stored): join it, whatever
        // this node's mempool holds, so that validators whose mempools differ do not split.
        if isWaitingForTransactions && (!proposals.isEmpty || !participants.isEmpty) { beginHeight() }
        evaluate(application)
        while pendingStart && haltError == nil {
            pendingStart = false
            startRound(0, application)
            evaluate(application)
        }
        defer { output = [] }
        return output
    }

    mutating func onStart(_ app: any ConsensusApplication) {
        if !gossipScheduled {
            gossipScheduled = true
            schedule(ConsensusTimeout(height: height, round: 0, step: .gossip))
        }
        if needsCheckpoint {
            needsCheckpoint = false
            output.append(.checkpoint(snapshot))
        }
        if let records = pendingReplay {
            pendingReplay = nil
            replay(records, app)
        } else if !isStarted {
            beginHeightAfterDelay(app)
        }
    }

    /// Whether handling `timeout`, now or at any later time, would change nothing: it belongs to a
    /// height (or, for the round timeouts, a round) the engine has left, and heights and rounds
    /// only grow. A shell may drop such a timeout instead of waking up for it; the gossip tick is
    /// never obsolete.
    public func isObsolete(_ timeout: ConsensusTimeout) -> Bool {
        switch timeout.step {
        case .gossip:
            return false
        case .newHeight, .emptyBlock:
            return timeout.height < height
        case .propose, .prevote, .precommit:
            return timeout.height < height || (timeout.height == height && timeout.round < round)
        }
    }

    mutating func onTimeout(_ timeout: ConsensusTimeout, _ app: any ConsensusApplication) {
        switch timeout.step {
        case .gossip:
            gossip()
            schedule(ConsensusTimeout(height: height, round: round, step: .gossip))
        case .newHeight:
            if timeout.height == height && !isStarted && !isWaitingForTransactions {
                delayElapsed(app)
            }
        case .emptyBlock:
            if timeout.height == height && isWaitingForTransactions { beginHeight() }
        case .propose:
            // Algorithm 1, line 57: OnTimeoutPropose → prevote nil.
            if timeout.height == height && timeout.round == round && step == .propose {
                signVote(.prevote, blockID: nil, app)
                step = .prevote
            }
        case .prevote:
            // Line 61: OnTimeoutPrevote → precommit nil.
            if timeout.height == height && timeout.round == round && step == .prevote {
                signVote(.precommit, blockID: nil, app)
                step = .precommit
            }
        case .precommit:
            // Line 65: OnTimeoutPrecommit → next round.
            if timeout.height == height && timeout.round == round && isStarted {
                startRound(round + 1, app)
            }
        }
    }

    mutating func beginHeightAfterDelay(_ app: any ConsensusApplication) {
        if startDelayMilliseconds == 0 {
            delayElapsed(app)
        } else {
            output.append(
                .scheduleTimeout(
                    ConsensusTimeout(height: height, round: 0, step: .newHeight),
                    afterMilliseconds: startDelayMilliseconds))
        }
    }

    /// The epoch delay is over: start the height, or, on a chain that makes no empty blocks
    /// while idle, wait for a transaction (an emergency height never waits: its block must carry
    /// the Layer-2 actions).
    mutating func delayElapsed(_ app: any ConsensusApplication) {
        if configuration.emptyBlockWaitMilliseconds > 0 && !isEmergency && !app.hasPendingTransactions() {
            isWaitingForTransactions = true
            schedule(ConsensusTimeout(height: height, round: 0, step: .emptyBlock))
        } else {
            beginHeight()
        }
    }

    mutating func beginHeight() {
        isWaitingForTransactions = false
        isStarted = true
        pendingStart = true
    }

    /// Re-sends this node's own messages of the current and previous round, and of the rounds a
    /// proof of lock change refers to (lost-message repair, standing in for CometBFT's gossip of
    /// votes a peer lacks): without the latter a polka seen by few could never be re-assembled.
    ///
    /// When the current round's proposal is a re-proposal, the prevotes of its proof of lock change
    /// that this node holds are relayed too, whoever signed them. Re-sending only one's own votes is
    /// not enough: if a validator that helped form the polka is gone (crashed, partitioned, or past
    /// this height), the validators that missed its prevote could never accept the re-proposal,
    /// while the ones locked on it accept nothing else. Tendermint's liveness assumes exactly this
    /// relay (every message a correct node received eventually reaches every correct node).
    mutating func gossip() {
        guard isStarted else { return }
        var rounds: Set<UInt32> = [round, round &- 1]
        if validRound >= 0 { rounds.insert(UInt32(validRound)) }
        if lockedRound >= 0 { rounds.insert(UInt32(lockedRound)) }
        if let proposalValidRound = proposals[round]?.validRound { rounds.insert(proposalValidRound) }
        for message in ownMessages {
            let messageRound: UInt32
            switch message {
            case .proposal(let proposal): messageRound = proposal.round
            case .vote(let vote): messageRound = vote.round
            default: continue
            }
            if rounds.contains(messageRound) { output.append(.broadcast(message)) }
        }
        relayProofOfLockChange()
    }

    /// Broadcasts the other validators' prevotes that make up the current re-proposal's polka.
    mutating func relayProofOfLockChange() {
        guard let proposal = proposals[round], let polkaRound = proposal.validRound, polkaRound < round,
            let votes = prevotes[polkaRound]
        else { return }
        // Sorted: the vote set is a dictionary, and the simulator needs the same order every run.
        for vote in votes.votes(for: proposal.block.id).sorted(by: { $0.validator < $1.validator })
        where vote.validator != publicKey {
            output.append(.broadcast(.vote(vote)))
        }
    }

    mutating func schedule(_ timeout: ConsensusTimeout) {
        let delay = configuration.timeoutMilliseconds(timeout.step, round: timeout.round, emergency: isEmergency)
        output.append(.scheduleTimeout(timeout, afterMilliseconds: delay))
    }

    mutating func halt(_ error: ConsensusError) {
        logger.error("consensus halted", metadata: ["error": "\(error)"])
        haltError = error
        output.append(.halted(error))
    }

    func proposer(forRound round: UInt32) -> PublicKey {
        proposerCache[round] ?? validators.proposer(forRound: round)
    }

    mutating func cachedProposer(forRound round: UInt32) -> PublicKey {
        if let cached = proposerCache[round] { return cached }
        let key = validators.proposer(forRound: round)
        proposerCache[round] = key
        return key
    }
}

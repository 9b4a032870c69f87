import HMNConsensus
import HMNPrimitives
import Logging

/// Drives one engine by hand: the test plays the other validators.
struct EngineHarness {
    let keys: [SigningKey]
    let app: MockApplication
    var engine: ConsensusEngine
    let me: SigningKey
    var now: UInt64 = 0
    static let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    static func keys(_ count: Int) -> [SigningKey] {
        (0..<count).map { try! SigningKey(seed: [UInt8](repeating: UInt8($0 + 1), count: 32)) }
    }

    static var testConfiguration: ConsensusConfiguration {
        var configuration = ConsensusConfiguration()
        configuration.proposeTimeoutMilliseconds = 100
        configuration.proposeTimeoutDeltaMilliseconds = 10
        configuration.prevoteTimeoutMilliseconds = 50
        configuration.prevoteTimeoutDeltaMilliseconds = 5
        configuration.precommitTimeoutMilliseconds = 50
        configuration.precommitTimeoutDeltaMilliseconds = 5
        return configuration
    }

    /// `me` defaults to a validator that proposes none of rounds 0–2 at height 1.
    init(
        powers: [UInt64] = [1, 1, 1, 1], me: Int? = nil, wal: [WALRecord] = [], app: MockApplication? = nil,
        signingFloorHeight: UInt64 = 0, configuration: ConsensusConfiguration = Self.testConfiguration
    ) throws {
        keys = Self.keys(powers.count)
        let validators = zip(keys, powers).map { ValidatorPower(publicKey: $0.publicKey, power: $1) }
        let app = app ?? MockApplication(validators: validators)
        self.app = app
        let set = try ValidatorSet(validators)
        let proposers = (0..<3).map { set.proposer(forRound: UInt32($0)) }
        let chosen = me ?? keys.firstIndex { !proposers.contains($0.publicKey) }!
        self.me = keys[chosen]
        engine = try ConsensusEngine(
            configuration: configuration, signingKey: keys[chosen], application: app, walRecords: wal,
            signingFloorHeight: signingFloorHeight, logger: Self.logger)
    }

    var chainID: String { app.chainID }

    func proposerKey(round: UInt32) -> SigningKey {
        let key = engine.validators.proposer(forRound: round)
        return keys.first { $0.publicKey == key }!
    }

    var others: [SigningKey] { keys.filter { $0.publicKey != me.publicKey } }

    @discardableResult
    mutating func handle(_ event: ConsensusEvent) -> [ConsensusAction] {
        engine.handle(event, now: now, application: app)
    }

    @discardableResult
    mutating func start() -> [ConsensusAction] { handle(.start) }

    @discardableResult
    mutating func deliver(_ message: ConsensusMessage, from key: SigningKey? = nil) -> [ConsensusAction] {
        handle(.message(message, from: (key ?? keys[0]).publicKey))
    }

    func proposal(round: UInt32, block: ProposedBlock, validRound: UInt32? = nil, height: UInt64 = 1)
        -> ConsensusMessage
    {
        .proposal(
            Proposal.signed(
                chainID: chainID, height: height, round: round, validRound: validRound, block: block,
                timestampMilliseconds: now, key: proposerKey(round: round)))
    }

    func vote(
        _ key: SigningKey, _ type: VoteType, round: UInt32, block: Hash256?, height: UInt64 = 1, chainID: String? = nil
    ) -> ConsensusMessage {
        .vote(
            Vote.signed(
                chainID: chainID ?? self.chainID, height: height, round: round, type: type, blockID: block,
                voteExtension: type == .precommit && block != nil ? VoteExtension(lambdaProposal: .one) : nil, key: key)
        )
    }

    @discardableResult
    mutating func fire(_ step: TimeoutStep, round: UInt32, height: UInt64 = 1) -> [ConsensusAction] {
        handle(.timeout(ConsensusTimeout(height: height, round: round, step: step)))
    }
}

extension Array where Element == ConsensusAction {
    /// Votes this node broadcast.
    var broadcastVotes: [Vote] {
        compactMap {
            if case .broadcast(.vote(let vote)) = $0 { return vote }
            return nil
        }
    }

    var persistedVotes: [Vote] {
        compactMap {
            if case .persist(.signedVote(let vote)) = $0 { return vote }
            return nil
        }
    }

    var finalizedHeights: [FinalizedHeight] {
        compactMap {
            if case .finalized(let finalized) = $0 { return finalized }
            return nil
        }
    }

    func scheduled(_ step: TimeoutStep) -> [UInt64] {
        compactMap {
            if case .scheduleTimeout(let timeout, let delay) = $0, timeout.step == step { return delay }
            return nil
        }
    }
}

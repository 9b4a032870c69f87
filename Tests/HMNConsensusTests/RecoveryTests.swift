import HMNPrimitives
import Testing

@testable import HMNConsensus

@Suite("WAL and crash recovery")
struct RecoveryTests {
    static func drain(_ actions: [ConsensusAction], into wal: InMemoryWriteAheadLog) throws {
        for action in actions {
            switch action {
            case .persist(let record): try wal.append(record)
            case .checkpoint(let snapshot): try wal.checkpoint(snapshot)
            default: break
            }
        }
    }

    @Test("a restarted node never signs a vote conflicting with one it signed before the crash")
    func noDoubleSignAfterRestart() throws {
        let wal = InMemoryWriteAheadLog()
        var h = try EngineHarness()
        try Self.drain(h.start(), into: wal)
        let b = MockApplication.block("B")
        let before = h.deliver(h.proposal(round: 0, block: b))
        try Self.drain(before, into: wal)
        #expect(before.persistedVotes.map(\.blockID) == [b.id])
        // Crash. The restarted engine replays the WAL; a timeout that would prevote nil must not sign.
        var restarted = try EngineHarness(
            me: h.keys.firstIndex { $0.publicKey == h.me.publicKey }, wal: try wal.records(), app: h.app)
        let resumed = restarted.start()
        #expect(resumed.persistedVotes.isEmpty)
        #expect(resumed.broadcastVotes.map(\.blockID) == [b.id])
        let afterTimeout = restarted.fire(.propose, round: 0)
        #expect(afterTimeout.persistedVotes.isEmpty && afterTimeout.broadcastVotes.isEmpty)
        // The lock survives the restart too.
        for key in restarted.others.prefix(2) {
            restarted.deliver(restarted.vote(key, .prevote, round: 0, block: b.id))
        }
        #expect(restarted.engine.lockedBlockID == b.id)
    }

    @Test("the lock and round are rebuilt from the WAL")
    func lockRebuilt() throws {
        let wal = InMemoryWriteAheadLog()
        var h = try EngineHarness()
        let b = MockApplication.block("B")
        try Self.drain(h.start(), into: wal)
        try Self.drain(h.deliver(h.proposal(round: 0, block: b)), into: wal)
        for key in h.others.prefix(2) {
            try Self.drain(h.deliver(h.vote(key, .prevote, round: 0, block: b.id)), into: wal)
        }
        try Self.drain(h.fire(.precommit, round: 0), into: wal)
        #expect(h.engine.lockedRound == 0 && h.engine.round == 1)
        var restarted = try EngineHarness(
            me: h.keys.firstIndex { $0.publicKey == h.me.publicKey }, wal: try wal.records(), app: h.app)
        restarted.start()
        #expect(restarted.engine.round == 1)
        #expect(restarted.engine.lockedRound == 0 && restarted.engine.lockedBlockID == b.id)
        let c = MockApplication.block("C")
        #expect(restarted.deliver(restarted.proposal(round: 1, block: c)).broadcastVotes.map(\.blockID) == [nil])
    }

    @Test("an application ahead of an empty WAL is a typed error")
    func walBehind() throws {
        let h = try EngineHarness()
        h.app.height = 3
        #expect(throws: ConsensusError.self) {
            _ = try ConsensusEngine(
                configuration: EngineHarness.testConfiguration, signingKey: h.me, application: h.app, walRecords: [],
                logger: EngineHarness.logger)
        }
    }

    @Test("the in-memory WAL drops a torn or corrupt tail")
    func inMemoryTornTail() throws {
        let wal = InMemoryWriteAheadLog()
        let keys = EngineHarness.keys(1)
        for round in 0..<5 {
            try wal.append(.roundStarted(height: 1, round: UInt32(round)))
        }
        try wal.append(
            .signedVote(
                Vote.signed(
                    chainID: "c", height: 1, round: 0, type: .prevote, blockID: nil, voteExtension: nil, key: keys[0])))
        #expect(try wal.records().count == 6)
        wal.bytes.removeLast(7)
        #expect(try wal.records().count == 5)
        wal.bytes[wal.bytes.count - 2] ^= 0xFF
        #expect(try wal.records().count == 4)
    }

    @Test("the file WAL fsyncs appends, truncates a torn tail on open and checkpoints atomically")
    func fileWAL() throws {
        let path = "/tmp/hmn-wal-test-\(UInt64.random(in: 0...UInt64.max)).wal"
        defer { unlink(path) }
        do {
            let wal = try FileWriteAheadLog(path: path)
            for round in 0..<3 { try wal.append(.roundStarted(height: 7, round: UInt32(round))) }
        }
        // A torn write: half a frame at the end.
        let torn = WALFraming.frame(.roundStarted(height: 7, round: 3))
        let handle = fopen(path, "ab")!
        _ = torn.prefix(torn.count / 2).withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, handle) }
        fclose(handle)
        let reopened = try FileWriteAheadLog(path: path)
        #expect(try reopened.records() == (0..<3).map { WALRecord.roundStarted(height: 7, round: UInt32($0)) })
        try reopened.append(.roundStarted(height: 7, round: 9))
        #expect(try reopened.records().count == 4)
        let (set, _) = try ValidatorSetTests.set([1, 2])
        let snapshot = HeightSnapshot(
            height: 8, validators: set, nextValidators: set, lastCommit: nil, isEmergency: false,
            startDelayMilliseconds: 5)
        try reopened.checkpoint(snapshot)
        try reopened.append(.roundStarted(height: 8, round: 0))
        #expect(
            try FileWriteAheadLog(path: path).records() == [
                .heightStarted(snapshot), .roundStarted(height: 8, round: 0),
            ])
    }

    @Test("the file WAL fsyncs what this node signed, and only writes received messages and round starts")
    func fileWALSyncsOwnMessagesOnly() throws {
        let path = "/tmp/hmn-wal-test-\(UInt64.random(in: 0...UInt64.max)).wal"
        defer { unlink(path) }
        let keys = EngineHarness.keys(2)
        let vote = Vote.signed(
            chainID: "wal", height: 3, round: 0, type: .prevote, blockID: nil, voteExtension: nil, key: keys[0])
        let peerVote = Vote.signed(
            chainID: "wal", height: 3, round: 0, type: .prevote, blockID: nil, voteExtension: nil, key: keys[1])
        let wal = try FileWriteAheadLog(path: path)
        try wal.append(.roundStarted(height: 3, round: 0))
        try wal.append(.received(.vote(peerVote)))
        #expect(wal.appendSyncCount == 0)
        try wal.append(.signedVote(vote))
        #expect(wal.appendSyncCount == 1)
        #expect(
            try FileWriteAheadLog(path: path).records() == [
                .roundStarted(height: 3, round: 0), .received(.vote(peerVote)), .signedVote(vote),
            ])
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

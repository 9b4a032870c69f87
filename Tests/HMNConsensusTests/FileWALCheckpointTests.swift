import Foundation
import HMNPrimitives
import Testing

@testable import HMNConsensus

/// Checkpoints append to the file WAL and compact it by size.
@Suite("File WAL checkpoints")
struct FileWALCheckpointTests {
    static func snapshot(_ height: UInt64) throws -> HeightSnapshot {
        let (set, _) = try ValidatorSetTests.set([1, 2])
        return HeightSnapshot(
            height: height, validators: set, nextValidators: set, lastCommit: nil, isEmergency: false,
            startDelayMilliseconds: 1)
    }

    static func fileSize(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? -1
    }

    @Test("a checkpoint appends; records() starts at the last one, also after a reopen")
    func appends() throws {
        let path = "/tmp/hmn-wal-test-\(UInt64.random(in: 0...UInt64.max)).wal"
        defer { unlink(path) }
        let wal = try FileWriteAheadLog(path: path)
        for height in UInt64(1)...5 {
            try wal.checkpoint(try Self.snapshot(height))
            try wal.append(.roundStarted(height: height, round: 0))
        }
        #expect(wal.compactionCount == 0)
        // Neither the appended checkpoints nor the round starts waited for the disk.
        #expect(wal.appendSyncCount == 0)
        let expected: [WALRecord] = [.heightStarted(try Self.snapshot(5)), .roundStarted(height: 5, round: 0)]
        #expect(try wal.records() == expected)
        let grown = try Self.fileSize(path)
        #expect(grown > 5 * WALFraming.frame(.heightStarted(try Self.snapshot(1))).count)
        // A crash right after a checkpoint: the reopened log resumes at it.
        try wal.checkpoint(try Self.snapshot(6))
        #expect(try FileWriteAheadLog(path: path).records() == [.heightStarted(try Self.snapshot(6))])
    }

    @Test("past compactionBytes a checkpoint rewrites the file to itself")
    func compacts() throws {
        let path = "/tmp/hmn-wal-test-\(UInt64.random(in: 0...UInt64.max)).wal"
        defer { unlink(path) }
        let frame = WALFraming.frame(.heightStarted(try Self.snapshot(1))).count
        let wal = try FileWriteAheadLog(path: path, compactionBytes: 4 * frame)
        for height in UInt64(1)...10 { try wal.checkpoint(try Self.snapshot(height)) }
        #expect(wal.compactionCount >= 2)
        #expect(try Self.fileSize(path) <= 4 * frame)
        try wal.append(.roundStarted(height: 10, round: 1))
        let reopened = try FileWriteAheadLog(path: path, compactionBytes: 4 * frame)
        #expect(try reopened.records() == [.heightStarted(try Self.snapshot(10)), .roundStarted(height: 10, round: 1)])
        // The reopened log knows the file's length: the next checkpoints compact it again in time.
        for height in UInt64(11)...20 { try reopened.checkpoint(try Self.snapshot(height)) }
        #expect(try Self.fileSize(path) <= 4 * frame)
    }
}

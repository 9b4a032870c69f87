import Foundation
import HMNPrimitives
import Testing

@testable import HMNConsensus

/// Storage faults in the consensus WAL: a torn tail (what a crash leaves) is dropped; damage with
/// intact data after it (a bit flip) is refused, because the records after it may hold votes this
/// node signed and forgetting them could make it sign a conflicting one.
@Suite("WAL storage damage")
struct WALDamageTests {
    /// A checkpoint followed by round starts and signed votes, framed; and each frame's byte range.
    static func log(records count: Int = 6) -> (bytes: [UInt8], frames: [Range<Int>], records: [WALRecord]) {
        let keys = EngineHarness.keys(1)
        var records: [WALRecord] = [.roundStarted(height: 4, round: 0)]
        for round in 0..<count - 1 {
            records.append(
                .signedVote(
                    Vote.signed(
                        chainID: "c", height: 4, round: UInt32(round), type: .prevote, blockID: nil,
                        voteExtension: nil, key: keys[0])))
        }
        var bytes: [UInt8] = []
        var frames: [Range<Int>] = []
        for record in records {
            let frame = WALFraming.frame(record)
            frames.append(bytes.count..<bytes.count + frame.count)
            bytes += frame
        }
        return (bytes, frames, records)
    }

    @Test("a flipped byte anywhere before the last record is refused as walCorrupt, never truncated")
    func midLogFlipsAreRefused() throws {
        let (bytes, frames, _) = Self.log()
        var generator = SeededGenerator(seed: 0x57A1)
        let lastStart = frames.last!.lowerBound
        for _ in 0..<300 {
            var damaged = bytes
            let position = Int.random(in: 0..<lastStart, using: &generator)
            damaged[position] ^= UInt8(1 << Int.random(in: 0..<8, using: &generator))
            let scan = WALFraming.scan(damaged)
            let frame = frames.firstIndex { $0.contains(position) }!
            #expect(scan.damagedOffset == frames[frame].lowerBound, "flip at \(position)")
            #expect(scan.records.count == frame)
            let wal = InMemoryWriteAheadLog()
            wal.bytes = damaged
            #expect(throws: ConsensusError.self) { try wal.records() }
            #expect(wal.bytes == damaged, "nothing is truncated")
        }
    }

    @Test("damage confined to the last record is a torn tail unless its length shrank")
    func lastRecordFlips() throws {
        let (bytes, frames, records) = Self.log()
        let last = frames.last!
        for position in last {
            for bit in [0, 3, 7] {
                var damaged = bytes
                damaged[position] ^= UInt8(1 << bit)
                let scan = WALFraming.scan(damaged)
                #expect(scan.records == Array(records.dropLast()), "flip at \(position)")
                // A smaller declared length leaves bytes after the frame, and no write produces a
                // length beyond any record: both refused, conservatively.
                let inLength = position < last.lowerBound + 4
                let shrunk = inLength && damaged[position] < bytes[position]
                let declared = WALFraming.declaredLength(damaged, at: last.lowerBound)!
                let impossible = inLength && declared > WALFraming.maxRecordBytes
                #expect((scan.damagedOffset != nil) == (shrunk || impossible), "flip at \(position) bit \(bit)")
            }
        }
    }

    @Test("torn appends of every length and a zero-filled extension are dropped as a torn tail")
    func tornTails() throws {
        let (bytes, frames, records) = Self.log()
        for cut in frames.last!.lowerBound + 1..<bytes.count {
            let scan = WALFraming.scan(Array(bytes[..<cut]))
            #expect(scan.damagedOffset == nil && scan.records == Array(records.dropLast()), "cut at \(cut)")
        }
        let zeros = WALFraming.scan(bytes + [UInt8](repeating: 0, count: 4096))
        #expect(zeros.damagedOffset == nil && zeros.records == records)
    }

    @Test("the file WAL refuses mid-log damage, leaves the file intact, and counts a torn tail it drops")
    func fileWAL() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("wal-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let (bytes, frames, records) = Self.log()
        var damaged = bytes
        damaged[frames[2].lowerBound + 20] ^= 0x10
        try Data(damaged).write(to: URL(fileURLWithPath: path))
        do {
            _ = try FileWriteAheadLog(path: path)
            Issue.record("a damaged WAL opened")
        } catch {
            #expect(error.code == .walCorrupt)
            #expect(error.message.contains(path) && error.message.contains("byte \(frames[2].lowerBound)"))
        }
        #expect(FileManager.default.contents(atPath: path) == Data(damaged))

        try Data(bytes.dropLast(5)).write(to: URL(fileURLWithPath: path))
        let wal = try FileWriteAheadLog(path: path)
        #expect(wal.truncatedTailBytes == frames.last!.count - 5)
        #expect(try wal.records() == Array(records.dropLast()))
    }
}

/// After its data is reset a validator no longer remembers what it signed; the signing floor keeps
/// it from signing again at those heights while it resyncs them.
@Suite("Signing floor after a reset")
struct SigningFloorTests {
    @Test("no vote at or below the floor; the same events sign without one")
    func votes() throws {
        for floor in [UInt64(0), 1] {
            var h = try EngineHarness(signingFloorHeight: floor)
            var actions = h.start()
            let block = MockApplication.block("B")
            actions += h.deliver(h.proposal(round: 0, block: block))
            for key in h.others {
                actions += h.deliver(h.vote(key, .prevote, round: 0, block: block.id), from: key)
            }
            actions += h.fire(.propose, round: 0)
            #expect(actions.persistedVotes.isEmpty == (floor == 1), "floor \(floor)")
            #expect(actions.broadcastVotes.isEmpty == (floor == 1), "floor \(floor)")
        }
    }

    @Test("no proposal at or below the floor")
    func proposals() throws {
        let keys = EngineHarness.keys(4)
        let set = try ValidatorSet(keys.map { ValidatorPower(publicKey: $0.publicKey, power: 1) })
        let proposer = keys.firstIndex { $0.publicKey == set.proposer(forRound: 0) }!
        for floor in [UInt64(0), 1] {
            var h = try EngineHarness(me: proposer, signingFloorHeight: floor)
            var actions = h.start()
            actions += h.fire(.propose, round: 0)
            let proposed = actions.contains {
                if case .broadcast(.proposal) = $0 { return true }
                return false
            }
            #expect(proposed == (floor == 0), "floor \(floor)")
        }
    }
}

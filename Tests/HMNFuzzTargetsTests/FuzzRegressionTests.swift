import Foundation
@testable import HMNFuzzTargets
import HMNMesh
import HMNPrimitives
import Testing

/// Replays the fuzz corpus and every input a fuzzer crashed on, and runs a short seeded mutation
/// campaign in-process (without sanitizers), so decoder regressions fail `make test`.
@Suite struct FuzzRegressionTests {
    static let fuzzDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fuzz")

    static func files(_ kind: String, _ target: FuzzTarget) -> [[UInt8]] {
        let folder = fuzzDirectory.appendingPathComponent(kind).appendingPathComponent(target.rawValue)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.sorted().compactMap { name in
            (try? Data(contentsOf: folder.appendingPathComponent(name))).map { [UInt8]($0) }
        }
    }

    @Test(arguments: FuzzTarget.allCases)
    func seedsAreValidEncodings(_ target: FuzzTarget) {
        let seeds = FuzzCorpus.seeds(for: target)
        #expect(!seeds.isEmpty)
        for seed in seeds {
            #expect(target.accepts(seed), "a seed of \(target) does not decode")
            target.run(seed)
        }
    }

    /// Near misses start the fuzzer next to each refusal path; each must really be refused.
    @Test(arguments: FuzzTarget.allCases)
    func nearMissesAreRefused(_ target: FuzzTarget) {
        for (index, input) in FuzzCorpus.nearMisses(for: target).enumerated() {
            #expect(!target.accepts(input), "near miss \(index) of \(target) is accepted")
            target.run(input)
        }
    }

    @Test(
        "The node-level targets have near misses",
        arguments: [
            FuzzTarget.nodeMessage, .gossipMessage, .apiTransaction, .apiMemory, .apiSearch,
        ])
    func nodeTargetsHaveNearMisses(_ target: FuzzTarget) {
        #expect(FuzzCorpus.nearMisses(for: target).count >= 5)
    }

    /// The session seeds reach the states they are meant to start the fuzzer from.
    @Test func gossipSessionSeedsReachTheirStates() throws {
        let sessions = FuzzCorpus.seeds(for: .gossipSession)
        let announced = GossipFuzzing.session(sessions[0]).engine
        for record in [FuzzCorpus.newRecords[0], FuzzCorpus.newRecords[2]] {
            #expect(announced.store.version(of: record.id) == RecordVersion(record))
        }
        let handedOff = GossipFuzzing.session(sessions[1]).engine
        #expect(handedOff.store.record(FuzzCorpus.meshRecord(33, [0, 1, 0, 0.5], by: FuzzCorpus.bob).id) != nil)
        let graylisted = GossipFuzzing.session(sessions[3]).engine
        #expect(try #require(graylisted.peers[FuzzCorpus.bob.publicKey]).isGraylisted)
        #expect(graylisted.store.record(FuzzCorpus.newRecords[0].id) == nil)
    }

    @Test(arguments: FuzzTarget.allCases)
    func checkedInCorpusAndCrashesReplay(_ target: FuzzTarget) {
        let corpus = Self.files("Corpus", target)
        #expect(!corpus.isEmpty, "Fuzz/Corpus/\(target.rawValue) is empty: run `make fuzz-corpus`")
        for input in corpus + Self.files("Regressions", target) { target.run(input) }
    }

    /// 400 seeded mutations of each seed and near miss: bit flips, truncations, insertions, and big-endian length
    /// fields bumped, the mutations that find over-reads and unchecked allocations.
    @Test(arguments: FuzzTarget.allCases)
    func seededMutations(_ target: FuzzTarget) {
        var generator = SeededGenerator(seed: 0xF022 &+ UInt64(target.rawValue.utf8.count))
        for seed in FuzzCorpus.seeds(for: target) + FuzzCorpus.nearMisses(for: target) {
            for _ in 0..<400 {
                target.run(Self.mutate(seed, using: &generator))
            }
        }
    }

    static func mutate(_ input: [UInt8], using generator: inout SeededGenerator) -> [UInt8] {
        var bytes = input
        guard !bytes.isEmpty else { return [UInt8.random(in: 0...255, using: &generator)] }
        for _ in 0..<Int.random(in: 1...3, using: &generator) {
            let position = Int.random(in: 0..<bytes.count, using: &generator)
            switch Int.random(in: 0..<5, using: &generator) {
            case 0: bytes[position] ^= UInt8(1) << UInt8.random(in: 0...7, using: &generator)
            case 1: bytes = Array(bytes.prefix(position))
            case 2: bytes.insert(UInt8.random(in: 0...255, using: &generator), at: position)
            case 3: bytes[position] = [0x00, 0x7F, 0x80, 0xFF].randomElement(using: &generator)!
            default:
                // A plausible length prefix made huge.
                for offset in position..<min(bytes.count, position + 4) { bytes[offset] = 0xFF }
            }
            if bytes.isEmpty { break }
        }
        return bytes
    }
}

import Foundation
import HMNConsensus
import HMNLedger
import HMNMesh
import HMNNode
import HMNPrimitives
import HMNStorage
import HMNTransport
import Testing

/// Storage faults at the node level: a home whose ledger, consensus WAL or memory store is
/// damaged. A node refuses to start on damage (``NodeError/Code/corruptStorage`` naming the file
/// and `hmn reset`), never serves a damaged row, drops a torn WAL tail as a crash leaves it, and
/// after ``NodeHome/resetData(now:)`` resyncs from its peers.
@Suite("Storage faults: damaged homes are refused, never served, and recover by reset and resync")
struct StorageFaultTests {
    /// One validator's home after a clean stop at height ≥ 4 with one memory record, copied aside
    /// once; every test works on its own clone.
    struct Pristine: Sendable {
        var directory: String
        var blockIDs: [Hash256]
        var recordID: Hash256
        var height: UInt64 { UInt64(blockIDs.count) }

        static let shared = Task { try await make() }

        static func make() async throws -> Pristine {
            let net = try await LocalTestnet(validators: 1)
            try await LocalTestnet.eventually("the single validator commits height 4") { await net.height(0) >= 4 }
            let recordID = Hash256.of(Array("storage-fault-record".utf8))
            _ = try await net.node(0).putMemory(
                MemoryRecord(
                    id: recordID, vector: [0.1, 0.9, 0.3, 0.7, 0.2, 0.5, 0.4, 0.8], payload: Array("kept".utf8),
                    author: net.homes[0].signingKey.publicKey, createdAtMilliseconds: WallClock.nowMilliseconds()
                ).signed(chainID: net.homes[0].genesis.chainID, key: net.homes[0].signingKey))
            await net.stop(0)
            let home = net.homes[0]
            let ledger = try Ledger.open(
                path: home.ledgerPath,
                engine: CoherenceLayer2Engine(parameters: try home.genesisDocument.coherenceParameters()),
                logger: LocalTestnet.quiet)
            let ids = try ledger.blocks(in: 1...ledger.height).map(\.id)
            ledger.close()
            let directory = Self.temporary("pristine")
            try FileManager.default.copyItem(atPath: net.directory, toPath: directory)
            await net.shutdown()
            return Pristine(directory: directory, blockIDs: ids, recordID: recordID)
        }

        static func temporary(_ name: String) -> String {
            FileManager.default.temporaryDirectory.appendingPathComponent("hmn-fault-\(name)-\(UUID().uuidString)").path
        }

        /// A fresh copy of the home.
        func clone() throws -> NodeHome {
            let copy = Self.temporary("clone")
            try FileManager.default.copyItem(atPath: directory, toPath: copy)
            return try NodeHome.load(copy + "/node0")
        }
    }

    static func open(_ home: NodeHome, check: StorageCheck = .standard) async throws -> FullNode {
        let transport = try await InMemoryNetwork().join(home.signingKey.publicKey)
        var options = FullNode.Options()
        options.storageCheck = check
        return try FullNode.open(home: home, transport: transport, options: options, logger: LocalTestnet.quiet)
    }

    /// Opening `home` fails with corruptStorage naming `path` and the recovery command.
    static func expectRefused(_ home: NodeHome, naming path: String, check: StorageCheck = .standard) async throws
        -> NodeError
    {
        do {
            _ = try await open(home, check: check)
        } catch let error as NodeError {
            #expect(error.code == .corruptStorage, "\(error)")
            #expect(error.message.contains(path), "\(error.message)")
            #expect(error.message.contains("hmn reset --home \(home.directory)"))
            #expect(error.message.contains("resyncs the chain from its peers"))
            return error
        }
        Issue.record("a damaged home opened (\(path))")
        throw CancellationError()
    }

    static func remove(_ home: NodeHome) {
        try? FileManager.default.removeItem(
            atPath: URL(fileURLWithPath: home.directory).deletingLastPathComponent().path)
    }

    static func flipBlockRow(_ home: NodeHome, height: Int64, generator: inout SeededGenerator) throws {
        let database = try SQLiteDatabase(path: home.ledgerPath)
        defer { database.close() }
        let read = try database.statement("SELECT block FROM blocks WHERE height = ?").bind(.integer(height))
        #expect(try read.step())
        var bytes = read.blob(0)
        bytes[Int.random(in: 0..<bytes.count, using: &generator)] ^= UInt8(
            1 << Int.random(in: 0..<8, using: &generator))
        try database.statement("UPDATE blocks SET block = ? WHERE height = ?").bind(.blob(bytes), .integer(height))
            .run()
    }

    @Test("a flipped bit in a stored block row: the open refuses; a quick open serves the rest, never that block")
    func damagedBlockRow() async throws {
        let pristine = try await Pristine.shared.value
        var generator = SeededGenerator(seed: 0xB10C)
        for _ in 0..<3 {
            let home = try pristine.clone()
            defer { Self.remove(home) }
            try Self.flipBlockRow(home, height: 2, generator: &generator)
            let error = try await Self.expectRefused(home, naming: home.ledgerPath)
            #expect(error.message.contains("block row 2"))

            // Opened with only the quick check, the node starts, but the damaged row is refused on read.
            let node = try await Self.open(home, check: .quick)
            #expect(try await node.block(atHeight: 1)?.id == pristine.blockIDs[0])
            do {
                _ = try await node.block(atHeight: 2)
                Issue.record("a damaged block was served")
            } catch {
                #expect(error.code == .corruptStorage, "\(error)")
                #expect(error.message.contains("hmn reset"))
            }
        }
    }

    @Test("seeded byte flips across the ledger file's pages are refused, or provably change nothing served")
    func pageFlips() async throws {
        let pristine = try await Pristine.shared.value
        let home = try pristine.clone()
        defer { Self.remove(home) }
        let original = [UInt8](try #require(FileManager.default.contents(atPath: home.ledgerPath)))
        var generator = SeededGenerator(seed: 0xF11B)
        var refused = 0
        for trial in 0..<24 {
            var damaged = original
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                damaged[Int.random(in: 100..<damaged.count, using: &generator)] ^= UInt8.random(
                    in: 1...255, using: &generator)
            }
            for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: home.ledgerPath + suffix) }
            try Self.write(atPath: home.ledgerPath, contents: Data(damaged))
            do {
                let node = try await Self.open(home, check: .full)
                // Opened: whatever the flips hit, everything served is what was committed.
                #expect(await node.status().height == pristine.height, "trial \(trial)")
                for (index, id) in pristine.blockIDs.enumerated() {
                    #expect(try await node.block(atHeight: UInt64(index + 1))?.id == id, "trial \(trial)")
                    #expect(try await node.block(id: id)?.height == UInt64(index + 1), "trial \(trial)")
                }
            } catch let error as NodeError {
                #expect(error.code == .corruptStorage, "trial \(trial): \(error)")
                refused += 1
            }
        }
        #expect(refused >= 6, "most flips land in live pages and are caught (\(refused) of 24)")
    }

    @Test("a truncated ledger file is refused")
    func truncatedLedger() async throws {
        let home = try await Pristine.shared.value.clone()
        defer { Self.remove(home) }
        let bytes = try #require(FileManager.default.contents(atPath: home.ledgerPath))
        try Self.write(atPath: home.ledgerPath, contents: bytes.prefix(bytes.count / 2))
        _ = try await Self.expectRefused(home, naming: home.ledgerPath)
    }

    @Test("a flipped byte in a WAL record that is not the last is refused and the WAL is left as it was")
    func damagedWALRecord() async throws {
        let home = try await Pristine.shared.value.clone()
        defer { Self.remove(home) }
        // A later record after the checkpoint, so the damage below is not the tail.
        do {
            let wal = try FileWriteAheadLog(path: home.walPath)
            guard case .heightStarted(let snapshot) = try #require(try wal.records().first) else {
                Issue.record("the WAL does not start with a checkpoint")
                return
            }
            try wal.append(.roundStarted(height: snapshot.height, round: 7))
        }
        var bytes = [UInt8](try #require(FileManager.default.contents(atPath: home.walPath)))
        bytes[WALFraming.headerBytes + 9] ^= 0x20
        try Self.write(atPath: home.walPath, contents: Data(bytes))
        let error = try await Self.expectRefused(home, naming: home.walPath)
        #expect(error.message.contains("votes"))
        #expect(FileManager.default.contents(atPath: home.walPath) == Data(bytes), "nothing truncated")

        // An emptied WAL no longer matches the ledger: refused too, never restarted from genesis.
        try Self.write(atPath: home.walPath, contents: Data())
        let mismatch = try await Self.expectRefused(home, naming: home.walPath)
        #expect(mismatch.message.contains("disagree"))
    }

    @Test("a damaged frame in the ledger's SQLite WAL after a crash: SQLite drops it silently, the node refuses")
    func damagedLedgerSQLiteWAL() async throws {
        let net = try await LocalTestnet(validators: 1)
        var image: NodeHome?
        do {
            try await LocalTestnet.eventually("height 4") { await net.height(0) >= 4 }
            // A crash image: the files copied while the node runs, so its recent blocks are still in
            // ledger.sqlite-wal. Copies racing a commit can straddle two heights; retake until the
            // undamaged image opens (the precondition), then damage it.
            for _ in 0..<10 where image == nil {
                let copy = Pristine.temporary("crash")
                try FileManager.default.copyItem(atPath: net.directory, toPath: copy)
                let home = try NodeHome.load(copy + "/node0")
                let backup = copy + "-undamaged"
                try FileManager.default.copyItem(atPath: home.dataDirectory, toPath: backup)
                if (try? await Self.open(home, check: .quick)) != nil {
                    try FileManager.default.removeItem(atPath: home.dataDirectory)
                    try FileManager.default.moveItem(atPath: backup, toPath: home.dataDirectory)
                    image = home
                } else {
                    try? FileManager.default.removeItem(atPath: copy)
                    try? FileManager.default.removeItem(atPath: backup)
                }
            }
        } catch {
            await net.shutdown()
            throw error
        }
        await net.shutdown()
        let home = try #require(image, "no consistent crash image in 10 tries")
        defer { Self.remove(home) }
        let sqliteWAL = home.ledgerPath + "-wal"
        var bytes = [UInt8](try #require(FileManager.default.contents(atPath: sqliteWAL)))
        let pageSize = bytes[8..<12].reduce(0) { $0 << 8 | Int($1) }
        let frames = (bytes.count - 32) / (24 + pageSize)
        #expect(frames >= 4, "recent blocks are in the SQLite WAL (\(frames) frames)")
        bytes[32 + (frames / 2) * (24 + pageSize) + 24 + 10] ^= 0x08
        try Self.write(atPath: sqliteWAL, contents: Data(bytes))
        let error = try await Self.expectRefused(home, naming: home.ledgerPath)
        #expect(error.message.contains("disagree") && error.message.contains("-wal"), "\(error.message)")
    }

    @Test("a torn WAL tail (a crash during an append) is dropped and the node opens at its height")
    func tornWALTail() async throws {
        let pristine = try await Pristine.shared.value
        let home = try pristine.clone()
        defer { Self.remove(home) }
        let intact = try #require(FileManager.default.contents(atPath: home.walPath))
        let frame = WALFraming.frame(.roundStarted(height: pristine.height + 1, round: 3))
        try Self.write(atPath: home.walPath, contents: intact + Data(frame.prefix(frame.count - 3)))
        let node = try await Self.open(home)
        #expect(await node.status().height == pristine.height)
        #expect(FileManager.default.contents(atPath: home.walPath) == intact, "exactly the torn bytes were dropped")
    }

    @Test("a memory store that is not a database, or has an undecodable record, is refused; a bad graph rebuilds")
    func damagedMemoryStore() async throws {
        let pristine = try await Pristine.shared.value
        let home = try pristine.clone()
        defer { Self.remove(home) }
        let intact = try #require(FileManager.default.contents(atPath: home.memoryPath))

        // A damaged HNSW checkpoint is a cache: rebuilt from the records, logged, nothing lost.
        do {
            let database = try SQLiteDatabase(path: home.memoryPath)
            try database.execute("UPDATE graph SET image = zeroblob(64)")
            #expect(database.changes == 1)
            database.close()
        }
        do {
            let node = try await Self.open(home)
            #expect(node.memory.store.record(id: pristine.recordID)?.payload == Array("kept".utf8))
        }

        for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: home.memoryPath + suffix) }
        try Self.write(atPath: home.memoryPath, contents: intact)
        do {
            let database = try SQLiteDatabase(path: home.memoryPath)
            try database.execute("UPDATE records SET record = substr(record, 1, 40)")
            database.close()
        }
        _ = try await Self.expectRefused(home, naming: home.memoryPath)

        var garbage = [UInt8](intact)
        var generator = SeededGenerator(seed: 0x6A7B)
        for index in 0..<512 { garbage[index] = UInt8.random(in: 0...255, using: &generator) }
        for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: home.memoryPath + suffix) }
        try Self.write(atPath: home.memoryPath, contents: Data(garbage))
        _ = try await Self.expectRefused(home, naming: home.memoryPath)
    }

    @Test(
        "reset refuses while the node runs, moves the data aside, and the home reopens at height 0, same chain and key")
    func reset() async throws {
        let pristine = try await Pristine.shared.value
        let home = try pristine.clone()
        defer { Self.remove(home) }
        do {
            let running = try DataDirectoryLock.acquire(home)
            do {
                try home.resetData()
                Issue.record("reset while the data directory was locked")
            } catch {
                #expect(error.code == .locked)
            }
            withExtendedLifetime(running) {}
        }
        #expect(FileManager.default.fileExists(atPath: home.ledgerPath), "a refused reset moves nothing")

        let when = Date(timeIntervalSince1970: 1_795_000_000)
        let reset = try #require(try home.resetData(now: when))
        let moved = reset.movedTo
        #expect(moved == home.dataDirectory + ".corrupt-20261118T110640Z")
        // The node may have signed at the height after its tip: it signs nothing up to there.
        #expect(reset.signingFloorHeight == pristine.height + 1)
        #expect(try home.signingFloorHeight() == pristine.height + 1)
        #expect(FileManager.default.fileExists(atPath: moved + "/ledger.sqlite"))
        #expect(!FileManager.default.fileExists(atPath: home.ledgerPath))
        #expect(try home.resetData(now: when) == nil, "nothing left to move")

        let reloaded = try NodeHome.load(home.directory)
        #expect(reloaded.signingKey.publicKey == home.signingKey.publicKey)
        let node = try await Self.open(reloaded)
        let status = await node.status()
        #expect(status.height == 0 && status.chainID == home.genesis.chainID)
        #expect(status.nodeKey == home.signingKey.publicKey)
        #expect(await node.driver.signingFloorHeight == pristine.height + 1)
    }

    @Test("with neither ledger nor WAL readable, reset needs a signing floor from the operator")
    func resetNeedsFloor() async throws {
        let home = try await Pristine.shared.value.clone()
        defer { Self.remove(home) }
        try Self.write(atPath: home.ledgerPath, contents: Data(repeating: 0xAB, count: 8192))
        try FileManager.default.removeItem(atPath: home.walPath)
        do {
            try home.resetData()
            Issue.record("reset without a known signing floor")
        } catch {
            #expect(error.code == .invalidValue && error.message.contains("signing floor"))
        }
        #expect(FileManager.default.fileExists(atPath: home.ledgerPath), "nothing moved")
        #expect(try home.resetData(signingFloorHeight: 40)?.signingFloorHeight == 40)
    }

    @Test("four validators: one node's ledger is damaged, it refuses to start, is reset and resyncs the same blocks")
    func resetAndResync() async throws {
        try await LocalTestnet.withTestnet { net in
            try await net.waitForHeight(3)
            await net.stop(3)
            var generator = SeededGenerator(seed: 0x4E7)
            try Self.flipBlockRow(net.homes[3], height: 1, generator: &generator)
            do {
                try net.start(3)
                Issue.record("node 3 started on a damaged ledger")
            } catch let error as NodeError {
                #expect(error.code == .corruptStorage && error.message.contains(net.homes[3].ledgerPath))
            }
            let floor = try #require(try net.homes[3].resetData()).signingFloorHeight
            try net.start(3)
            #expect(await net.node(3).driver.signingFloorHeight == floor)
            let target = max(await net.height(0) + 1, floor + 1)
            try await LocalTestnet.eventually("the reset node resyncs past height \(target)") {
                await net.height(3) >= target
            }
            // Past its floor the floor file is gone: the next open signs normally.
            await net.stop(3)
            try net.start(3)
            #expect(await net.node(3).driver.signingFloorHeight == 0)
            #expect(try net.homes[3].signingFloorHeight() == nil)
            for height in UInt64(1)...target {
                let reference = try #require(try await net.node(0).block(atHeight: height)).id
                #expect(try await net.node(3).block(atHeight: height)?.id == reference, "height \(height)")
            }
        }
    }

    static func write(atPath path: String, contents: Data) throws {
        try contents.write(to: URL(fileURLWithPath: path))
    }
}

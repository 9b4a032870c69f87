import Foundation
import HMNNode
import HMNPrimitives
import HMNStorage
import Testing

@Suite("Mempool journal")
struct MempoolJournalTests {
    static func path() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("hmn-journal-\(UUID().uuidString).sqlite").path
    }

    static func entry(_ index: Int) -> (id: Hash256, bytes: [UInt8]) {
        let bytes = Array("transaction \(index)".utf8)
        return (Hash256.of(bytes), bytes)
    }

    /// The bytes of these entries, in this order.
    static func bytes(_ indices: [Int]) -> [[UInt8]] { indices.map { entry($0).bytes } }

    /// The bytes the journal holds, oldest first.
    static func held(_ journal: MempoolJournal) throws -> [[UInt8]] { try journal.entries().map(\.bytes) }

    /// Removes entry 1, appends entry 3 (its write carries the removal), closes and reopens.
    static func removeOneAddThreeAndReopen(_ journal: MempoolJournal, path: String) async throws -> MempoolJournal {
        journal.remove([entry(1).id])
        #expect(await journal.append([entry(3)]) == nil)
        journal.close()
        return try MempoolJournal(path: path)
    }

    @Test("what append returned for is on disk after reopening, in order; removals are written with the next batch")
    func survivesReopen() async throws {
        let path = Self.path()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let journal = try MempoolJournal(path: path)
        #expect(await journal.append([Self.entry(0), Self.entry(1)]) == nil)
        #expect(await journal.append([Self.entry(2), Self.entry(1)]) == nil)  // a repeat is kept once
        let reopened = try await Self.removeOneAddThreeAndReopen(journal, path: path)
        defer { reopened.close() }
        #expect(try Self.held(reopened) == Self.bytes([0, 2, 3]))
        #expect(reopened.ids == Set([0, 2, 3].map { Self.entry($0).id }))
    }

    @Test("appends, background appends and removals in any order end as queued after reopening (seeded)")
    func operationsInOrder() async throws {
        for seed in UInt64(1)...30 {
            var random = SeededGenerator(seed: seed)
            let path = Self.path()
            defer { try? FileManager.default.removeItem(atPath: path) }
            let journal = try MempoolJournal(path: path)
            var model: [Int] = []  // held ids, oldest first
            for _ in 0..<40 {
                let ids = (0..<Int.random(in: 1...3, using: &random)).map { _ in Int.random(in: 0..<8, using: &random) }
                switch Int.random(in: 0..<9, using: &random) {
                case 0..<4:
                    #expect(await journal.append(ids.map(Self.entry)) == nil)
                    for id in ids where !model.contains(id) { model.append(id) }
                case 4..<6:
                    journal.appendInBackground(ids.map(Self.entry))
                    for id in ids where !model.contains(id) { model.append(id) }
                default:
                    journal.remove(ids.map { Self.entry($0).id })
                    model.removeAll { ids.contains($0) }
                }
            }
            // A durable write is queued after everything above, so it returns once all of it is written.
            #expect(await journal.append([Self.entry(100)]) == nil)
            model.append(100)
            journal.close()
            let reopened = try MempoolJournal(path: path)
            #expect(try Self.held(reopened) == Self.bytes(model), "seed \(seed)")
            reopened.close()
        }
    }

    @Test("a journal written by an earlier version (rows keyed by id) opens with its entries in order")
    func migratesVersionOne() async throws {
        let path = Self.path()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let old = try SQLiteDatabase(path: path)
        try old.execute(
            """
            CREATE TABLE pending (id BLOB PRIMARY KEY, bytes BLOB NOT NULL, seq INTEGER NOT NULL);
            PRAGMA user_version = 1;
            """)
        for (seq, index) in [(7, 2), (3, 0), (5, 1)] {
            let entry = Self.entry(index)
            try old.statement("INSERT INTO pending (id, bytes, seq) VALUES (?, ?, ?)")
                .bind(.blob(entry.id.bytes), .blob(entry.bytes), .integer(Int64(seq))).run()
        }
        old.close()
        let journal = try MempoolJournal(path: path)
        #expect(try Self.held(journal) == Self.bytes([0, 1, 2]))
        let reopened = try await Self.removeOneAddThreeAndReopen(journal, path: path)
        defer { reopened.close() }
        #expect(try Self.held(reopened) == Self.bytes([0, 2, 3]))
        let check = try SQLiteDatabase(path: path)
        defer { check.close() }
        // No index besides the table's own key: inserts append, deletions go to their row by key.
        let indexes = try check.statement("SELECT COUNT(*) FROM sqlite_master WHERE type = 'index'").row { $0.int64(0) }
        #expect(indexes == 0)
    }

    @Test("concurrent appends all become durable (group commit loses none)")
    func concurrentAppends() async throws {
        let path = Self.path()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let journal = try MempoolJournal(path: path)
        let failures = await withTaskGroup(of: Bool.self) { group in
            for index in 0..<200 { group.addTask { await journal.append([Self.entry(index)]) != nil } }
            return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(failures == 0)
        journal.close()
        let reopened = try MempoolJournal(path: path)
        defer { reopened.close() }
        #expect(try reopened.entries().count == 200)
    }

    @Test("a write to a closed journal answers its storage error, never hangs")
    func closedJournal() async throws {
        let path = Self.path()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let journal = try MempoolJournal(path: path)
        journal.close()
        #expect(await journal.append([Self.entry(0)]) != nil)
    }

    @Test("only writes an acknowledgement waits for are fsynced; background entries and removals still reach the file")
    func durableOnlyWhenAwaited() async throws {
        let path = Self.path()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let journal = try MempoolJournal(path: path)
        journal.appendInBackground([Self.entry(0), Self.entry(1)])
        // Background writes run on their own task: wait until the file has them.
        for _ in 0..<500 where (try? journal.entries().count) != 2 { try await Task.sleep(for: .milliseconds(2)) }
        #expect(try journal.entries().count == 2)
        journal.remove([Self.entry(0).id])
        for _ in 0..<500 where (try? journal.entries().count) != 1 { try await Task.sleep(for: .milliseconds(2)) }
        #expect(journal.durableWriteCount == 0)
        #expect(await journal.append([Self.entry(2)]) == nil)
        #expect(journal.durableWriteCount == 1)
        journal.close()

        let reopened = try MempoolJournal(path: path)
        defer { reopened.close() }
        #expect(try Self.held(reopened) == Self.bytes([1, 2]))
        // The order continues after reopening (the sequence is read once, at open).
        #expect(await reopened.append([Self.entry(3), Self.entry(0)]) == nil)
        #expect(try Self.held(reopened) == Self.bytes([1, 2, 3, 0]))
    }
}
